using AgentCloud.ToolGateway.Apis;
using AgentCloud.ToolGateway.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapToolsApi();
app.MapToolSettingsApi();
app.MapToolInvocationsApi();
app.MapMcpApi();
app.MapMcpServersApi();

app.Run();

public partial class Program;

using AgentCloud.Agents.Apis;
using AgentCloud.Agents.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapServiceTokenApi();

app.Run();

public partial class Program;

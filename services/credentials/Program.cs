using AgentCloud.Credentials.Apis;
using AgentCloud.Credentials.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapCredentialsApi();
app.MapMasterKeyApi();

app.Run();

public partial class Program;

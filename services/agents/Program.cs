using AgentCloud.Agents.Apis;
using AgentCloud.Agents.Extensions;
using AgentCloud.Agents.Runs;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.UseRateLimiter();
app.UseTenantScope();

app.MapServiceTokenApi();
app.MapAuthApi();
app.MapTenantsApi();
app.MapTeamsApi();
app.MapUsersApi();
app.MapLocationsApi();
app.MapPermissionsApi();
app.MapApiKeysApi();
app.MapAgentRuntimeApis();

app.Run();

public partial class Program;

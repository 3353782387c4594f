using AgentCloud.Agents.Apis;
using AgentCloud.Agents.Extensions;
using AgentCloud.Agents.Runs;
using AgentCloud.EventBus.Dapr;

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
app.MapEventBusDaprEndpoints(); // with EventBus__Transport=dapr: its subscriptions, for the sidecar

app.Run();

public partial class Program;

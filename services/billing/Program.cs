using AgentCloud.Billing.Apis;
using AgentCloud.Billing.Extensions;
using AgentCloud.EventBus.Admin;
using AgentCloud.EventBus.Dapr;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapTokensApi();
app.MapCostsApi();
app.MapHoldsApi();
app.MapLedgerApi();
app.MapEventBusAdminApi();
app.MapEventBusDaprEndpoints(); // with EventBus__Transport=dapr: its subscriptions, for the sidecar

app.Run();

public partial class Program;

using AgentCloud.EventBus.Dapr;
using AgentCloud.Triggers.Apis;
using AgentCloud.Triggers.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapTriggersApi();
app.MapWebhooksApi();
app.MapEventBusDaprEndpoints(); // with EventBus__Transport=dapr: its subscriptions, for the sidecar

app.Run();

public partial class Program;

using AgentCloud.Billing.Apis;
using AgentCloud.Billing.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapTokensApi();
app.MapCostsApi();
app.MapHoldsApi();
app.MapLedgerApi();

app.Run();

public partial class Program;

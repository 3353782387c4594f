using AgentCloud.Web.Components;
using AgentCloud.Web.Extensions;
using AgentCloud.Web.Session;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.UseAntiforgery();
app.MapStaticAssets();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
app.MapAccountEndpoints();

app.Run();

public partial class Program;

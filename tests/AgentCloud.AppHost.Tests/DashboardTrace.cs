using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace AgentCloud.AppHost.Tests;

/// <summary>
/// One trace as the Aspire dashboard holds it, read from its telemetry HTTP API (<c>/api/telemetry/traces/{id}</c>,
/// OTLP JSON): which services sent spans, and what kind of spans.
/// </summary>
sealed record DashboardTrace(IReadOnlyList<DashboardTrace.Span> Spans)
{
    public sealed record Span(string Service, string Scope, string Name, string? DatabaseSystem);

    public IReadOnlySet<string> Services => Spans.Select(s => s.Service).ToHashSet();

    public bool HasDatabaseSpan(string system) => Spans.Any(s => s.DatabaseSystem == system);

    /// <summary>Polls until <paramref name="complete"/> holds (exports are batched every second) or the time is up.</summary>
    public static async Task<DashboardTrace> WaitAsync(HttpClient dashboard, ActivityTraceId traceId, Func<DashboardTrace, bool> complete, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        var trace = new DashboardTrace([]);
        while (deadline.Elapsed < timeout)
        {
            using var response = await dashboard.GetAsync($"/api/telemetry/traces/{traceId}");
            if (response.IsSuccessStatusCode)
            {
                trace = Parse(await response.Content.ReadFromJsonAsync<JsonElement>());
                if (complete(trace))
                {
                    return trace;
                }
            }
            await Task.Delay(500);
        }
        return trace;
    }

    static DashboardTrace Parse(JsonElement body)
    {
        var spans = new List<Span>();
        foreach (var resource in body.GetProperty("data").GetProperty("resourceSpans").EnumerateArray())
        {
            var service = Attribute(resource.GetProperty("resource"), "service.name") ?? "?";
            foreach (var scope in resource.GetProperty("scopeSpans").EnumerateArray())
            {
                var scopeName = scope.GetProperty("scope").GetProperty("name").GetString() ?? "";
                foreach (var span in scope.GetProperty("spans").EnumerateArray())
                {
                    spans.Add(new(service, scopeName, span.GetProperty("name").GetString() ?? "",
                        Attribute(span, "db.system.name") ?? Attribute(span, "db.system")));
                }
            }
        }
        return new(spans);
    }

    static string? Attribute(JsonElement element, string key) =>
        element.TryGetProperty("attributes", out var attributes)
            ? attributes.EnumerateArray().Where(a => a.GetProperty("key").GetString() == key)
                .Select(a => a.GetProperty("value").GetProperty("stringValue").GetString()).FirstOrDefault()
            : null;

    public override string ToString() =>
        string.Join('\n', Spans.Select(s => $"{s.Service} {s.Scope} {s.Name} {s.DatabaseSystem}"));
}

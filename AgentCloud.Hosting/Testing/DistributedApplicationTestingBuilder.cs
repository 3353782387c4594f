namespace AgentCloud.Hosting.Testing;

/// <summary>
/// Our stand-in for Aspire.Hosting.Testing: runs the AppHost's own Program (so tests exercise the real topology),
/// starts the whole system on free ports in a throw-away state folder, and hands back the running application.
/// </summary>
public static class DistributedApplicationTestingBuilder
{
    public static async Task<DistributedApplication> StartAsync<TEntryPoint>(
        Dictionary<string, string?>? configuration = null, CancellationToken cancellationToken = default)
    {
        var session = new TestingSession { Configuration = configuration ?? [] };
        var entryPoint = typeof(TEntryPoint).Assembly.EntryPoint
            ?? throw new InvalidOperationException($"{typeof(TEntryPoint).Assembly.GetName().Name} has no entry point.");

        using (session.Enter())
        {
            entryPoint.Invoke(null, entryPoint.GetParameters().Length == 0 ? [] : [Array.Empty<string>()]);
        }

        var app = session.Application
            ?? throw new InvalidOperationException("The AppHost did not call Build().Run().");
        try
        {
            await app.StartAsync(cancellationToken);
            return app;
        }
        catch (Exception e)
        {
            var logs = string.Join('\n', app.Resources.SelectMany(r => app.GetLogs(r.Name).TakeLast(30).Select(l => $"{r.Name} | {l}")));
            await app.DisposeAsync();
            throw new InvalidOperationException($"The system did not start: {e.Message}\n{logs}", e);
        }
    }
}

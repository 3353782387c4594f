using Xunit;

namespace AgentCloud.Credentials.FunctionalTests;

/// <summary>
/// All test classes of this project run in one collection, so the guard below sees the whole run: when the last
/// class has finished, no secret written by any test may be in the captured logs or spans (a cleanup failure fails
/// the run).
/// </summary>
[CollectionDefinition(Name)]
public sealed class VaultCollection : ICollectionFixture<LeakGuard>
{
    public const string Name = "vault";
}

public sealed class LeakGuard : IDisposable
{
    public void Dispose()
    {
        var leaks = TelemetryCapture.Leaks();
        if (leaks.Count > 0)
        {
            // Test secrets are "<label>-<guid>": name the labels, so the failing path can be found.
            throw new InvalidOperationException(
                $"{leaks.Count} secret value(s) appeared in captured logs or spans: {string.Join(", ", leaks.Select(l => l[..l.LastIndexOf('-')]))}.");
        }
    }
}

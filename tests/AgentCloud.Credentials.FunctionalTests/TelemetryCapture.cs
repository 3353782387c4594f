using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;

namespace AgentCloud.Credentials.FunctionalTests;

/// <summary>
/// Everything the services under test log (all categories, Trace and up) and every span they emit on the platform's
/// activity sources, for the whole test process; and every secret value the tests wrote. Nothing of the second may
/// appear in the first.
/// </summary>
public static class TelemetryCapture
{
    static readonly ConcurrentQueue<string> Records = new();
    static readonly ConcurrentDictionary<string, byte> Secrets = new();
    static readonly ActivityListener Listener = Listen();

    public static readonly CapturingLoggerProvider Logs = new();

    internal static void Add(string record)
    {
        Interlocked.Increment(ref LogCount);
        Records.Enqueue(record);
    }

    public static int SpanCount;
    public static int LogCount;

    /// <summary>A unique secret value, remembered so that leak checks look for it.</summary>
    public static string NewSecret(string label)
    {
        var value = $"{label}-{Guid.NewGuid():N}";
        Secrets[value] = 0;
        return value;
    }

    public static IReadOnlyCollection<string> AllSecrets => [.. Secrets.Keys];

    /// <summary>The secrets found in any captured record (empty = no leak).</summary>
    public static List<string> Leaks()
    {
        _ = Listener;
        var records = Records.ToArray();
        return [.. Secrets.Keys.Where(secret => records.Any(r => r.Contains(secret, StringComparison.Ordinal)))];
    }

    /// <summary>True when some captured record contains <paramref name="text"/> (to prove the capture sees things).</summary>
    public static bool Captured(string text) => Records.Any(r => r.Contains(text, StringComparison.Ordinal));

    static ActivityListener Listen()
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith("AgentCloud", StringComparison.Ordinal)
                || source.Name is "Microsoft.AspNetCore" or "Npgsql" or "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                Interlocked.Increment(ref SpanCount);
                Records.Enqueue(Describe(activity));
            },
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    /// <summary>Touches the listener so spans are captured from the first host on.</summary>
    public static void Start() => _ = Listener;

    static string Describe(Activity activity)
    {
        var text = new StringBuilder().Append(activity.Source.Name).Append(' ').Append(activity.DisplayName).Append(' ')
            .Append(activity.OperationName).Append(' ').Append(activity.StatusDescription);
        foreach (var (key, value) in activity.TagObjects)
        {
            text.Append(' ').Append(key).Append('=').Append(value);
        }
        foreach (var e in activity.Events)
        {
            text.Append(" event:").Append(e.Name);
            foreach (var (key, value) in e.Tags)
            {
                text.Append(' ').Append(key).Append('=').Append(value);
            }
        }
        foreach (var (key, value) in activity.Baggage)
        {
            text.Append(" baggage:").Append(key).Append('=').Append(value);
        }
        return text.ToString();
    }
}

/// <summary>Records every log entry of the hosts it is added to (see <see cref="TelemetryCapture"/>).</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, this);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    sealed class CapturingLogger(string category, CapturingLoggerProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => provider._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = new StringBuilder().Append(logLevel).Append(' ').Append(category).Append(": ").Append(formatter(state, exception));
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (var (key, value) in values)
                {
                    text.Append(' ').Append(key).Append('=').Append(value);
                }
            }
            if (exception is not null)
            {
                text.Append(' ').Append(exception);
            }
            provider._scopes.ForEachScope((scope, builder) => builder.Append(" scope:").Append(scope), text);
            TelemetryCapture.Add(text.ToString());
        }
    }
}

using Microsoft.Extensions.AI;

namespace AgentCloud.Agents.Models;

/// <summary>
/// The decorators every model client gets, innermost last: OpenTelemetry (gen_ai semantic conventions: operation,
/// model, token usage, on the <see cref="SourceName"/> activity source and meter; message contents never recorded) and
/// logging (contents only at Trace level, which no environment enables by default).
/// </summary>
public static class ChatClientPipeline
{
    public const string SourceName = "AgentCloud.Agents.Models";

    public static IChatClient Build(IChatClient provider, IServiceProvider services)
    {
        var loggers = services.GetRequiredService<ILoggerFactory>();
        return new ChatClientBuilder(provider)
            .UseOpenTelemetry(loggers, SourceName, telemetry => telemetry.EnableSensitiveData = false)
            .UseLogging(loggers)
            .Build(services);
    }
}

using System.Buffers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace AgentCloud.ServiceDefaults.Logging;

/// <summary>
/// The console's log lines, laid out like ASP.NET Core's simple formatter, with every control character escaped in
/// what they say (message, category, scopes, exception messages): a NUL or a newline that came in a request's path,
/// query, header or body is written as <c>\0</c> or <c>\n</c>, so it can neither make the log binary nor forge a line.
/// The one place this happens, whatever code logged the value.
/// </summary>
public sealed class EscapingConsoleFormatter(IOptionsMonitor<SimpleConsoleFormatterOptions> options) : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "agentcloud";

    const string Padding = "      ";

    static readonly SearchValues<char> NeedEscaping = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(c => (char)c), .. Enumerable.Range(0x7F, 0x21).Select(c => (char)c), '\u2028', '\u2029']);

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (string.IsNullOrEmpty(message) && logEntry.Exception is null)
        {
            return;
        }
        var settings = options.CurrentValue;
        var separator = settings.SingleLine ? " " : Environment.NewLine + Padding;
        if (settings.TimestampFormat is { } format)
        {
            textWriter.Write((settings.UseUtcTimestamp ? DateTimeOffset.UtcNow : DateTimeOffset.Now).ToString(format));
        }
        textWriter.Write($"{Level(logEntry.LogLevel)}: {Escape(logEntry.Category)}[{logEntry.EventId.Id}]");
        if (settings.IncludeScopes && scopeProvider is not null)
        {
            scopeProvider.ForEachScope((scope, writer) => writer.Write($" => {Escape(scope?.ToString())}"), textWriter);
        }
        if (!string.IsNullOrEmpty(message))
        {
            textWriter.Write(separator);
            textWriter.Write(Escape(message));
        }
        if (logEntry.Exception is { } exception)
        {
            textWriter.Write(separator);
            textWriter.Write(settings.SingleLine ? Escape(Describe(exception)) : Describe(exception).Replace(Environment.NewLine, separator));
        }
        textWriter.Write(Environment.NewLine);
    }

    /// <summary>Control characters (C0, DEL, C1, the Unicode line and paragraph separators) as escapes.</summary>
    public static string Escape(string? text)
    {
        if (text is null || text.AsSpan().IndexOfAny(NeedEscaping) < 0)
        {
            return text ?? "";
        }
        var escaped = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            escaped.Append(c switch
            {
                '\0' => @"\0",
                '\n' => @"\n",
                '\r' => @"\r",
                '\t' => @"\t",
                _ when NeedEscaping.Contains(c) => $@"\u{(int)c:X4}",
                _ => c.ToString(),
            });
        }
        return escaped.ToString();
    }

    /// <summary>Like <see cref="Exception.ToString"/>, with the messages (which may quote input) escaped; stack traces are code.</summary>
    static string Describe(Exception exception)
    {
        var text = new StringBuilder($"{exception.GetType().FullName}: {Escape(exception.Message)}");
        var inner = exception is AggregateException aggregate ? aggregate.InnerExceptions : exception.InnerException is { } one ? [one] : [];
        foreach (var cause in inner)
        {
            text.Append($"{Environment.NewLine} ---> {Describe(cause)}{Environment.NewLine}   --- End of inner exception stack trace ---");
        }
        if (exception.StackTrace is { } trace)
        {
            text.Append(Environment.NewLine).Append(trace);
        }
        return text.ToString();
    }

    static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };
}

public static class EscapingConsoleExtensions
{
    /// <summary>Console logs through <see cref="EscapingConsoleFormatter"/> (options: <c>Logging:Console:FormatterOptions</c>).</summary>
    public static ILoggingBuilder AddEscapingConsoleFormatter(this ILoggingBuilder logging)
    {
        logging.AddConsoleFormatter<EscapingConsoleFormatter, SimpleConsoleFormatterOptions>();
        logging.Services.Configure<ConsoleLoggerOptions>(options => options.FormatterName = EscapingConsoleFormatter.FormatterName);
        return logging;
    }
}

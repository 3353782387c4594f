namespace AgentCloud.Hosting.Orchestration;

/// <summary>Every resource's log lines on one console, each prefixed with its resource name in its own colour.</summary>
sealed class ConsoleLog
{
    static readonly string[] Colours = ["\e[36m", "\e[33m", "\e[35m", "\e[32m", "\e[34m", "\e[91m", "\e[96m", "\e[93m", "\e[95m"];
    readonly Dictionary<string, string> _colourOf = [];
    readonly bool _ansi = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;
    readonly object _lock = new();

    public void Write(string resource, string line)
    {
        lock (_lock)
        {
            if (!_colourOf.TryGetValue(resource, out var colour))
            {
                colour = _colourOf[resource] = Colours[_colourOf.Count % Colours.Length];
            }
            Console.Out.WriteLine(_ansi ? $"{colour}{resource,-12}\e[0m| {line}" : $"{resource,-12}| {line}");
        }
    }

    public void WriteBlock(string text)
    {
        lock (_lock)
        {
            Console.Out.WriteLine();
            Console.Out.Write(text);
            Console.Out.WriteLine();
        }
    }
}

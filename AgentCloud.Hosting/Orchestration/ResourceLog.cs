namespace AgentCloud.Hosting.Orchestration;

/// <summary>A resource's log lines: streamed to the console with the resource's name, and the latest kept for diagnostics.</summary>
public sealed class ResourceLog(string name, Action<string, string>? sink)
{
    const int Keep = 400;
    readonly Queue<string> _recent = new();

    public string Name => name;

    public void Write(string line)
    {
        lock (_recent)
        {
            _recent.Enqueue(line);
            if (_recent.Count > Keep)
            {
                _recent.Dequeue();
            }
        }
        sink?.Invoke(name, line);
    }

    public IReadOnlyList<string> Recent()
    {
        lock (_recent)
        {
            return [.. _recent];
        }
    }
}

using System.Diagnostics;
using System.Text.Json.Nodes;
using AgentCloud.Testing;

namespace AgentCloud.ToolGateway.FunctionalTests.Peers;

/// <summary>
/// A node script serving as a peer: run from a file of its own in its npm package's folder (<see cref="NpmPackages"/>),
/// it prints <c>{"port":n}</c> once listening, then one JSON object per line for each event; closing its stdin stops it.
/// </summary>
public sealed class NodePeer : IAsyncDisposable
{
    readonly Process _node;

    NodePeer(Process node) => _node = node;

    public int Port { get; private set; }

    public static async Task<NodePeer> StartAsync(string spec, string source, string extension, IReadOnlyDictionary<string, string> environment,
        Action<JsonObject> onEvent)
    {
        var folder = await NpmPackages.EnsureAsync(spec);
        var script = Path.Combine(folder, $"peer-{Guid.NewGuid():N}{extension}");
        await File.WriteAllTextAsync(script, source);
        var start = new ProcessStartInfo("node", [script])
        {
            RedirectStandardOutput = true, RedirectStandardInput = true, RedirectStandardError = true, WorkingDirectory = folder,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        var peer = new NodePeer(Process.Start(start)!);
        var ready = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        peer._node.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not { Length: > 0 } line) return;
            var message = JsonNode.Parse(line)!.AsObject();
            if (message["port"] is { } port)
            {
                ready.TrySetResult((int)port);
                return;
            }
            onEvent(message);
        };
        peer._node.BeginOutputReadLine();
        peer._node.BeginErrorReadLine();
        try
        {
            peer.Port = await ready.Task.WaitAsync(TimeSpan.FromSeconds(30));
            return peer;
        }
        finally
        {
            File.Delete(script); // node has read it, or failed to
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_node.HasExited)
        {
            _node.StandardInput.Close();
            if (!_node.WaitForExit(5000))
            {
                _node.Kill();
            }
        }
        await _node.WaitForExitAsync();
        _node.Dispose();
    }
}

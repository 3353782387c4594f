using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace AgentCloud.ToolGateway.FunctionalTests.Peers;

/// <summary>
/// A real SMTP server: npm's <c>smtp-server</c> (3.x) run by a tiny node script. Installed with npm into a temp folder
/// on first use (never committed). Requires AUTH as <see cref="Username"/>/<see cref="Password"/> (.NET's SmtpClient silently carries on unauthenticated when its login fails, so an optional-auth server would accept a wrong password).
/// </summary>
public sealed class SmtpPeer : IAsyncDisposable
{
    public const string Username = "mailer";
    public const string Password = "smtp-password-SECRET-93be";

    const string Script = """
        const { SMTPServer } = require('smtp-server');
        const server = new SMTPServer({
          authOptional: false, allowInsecureAuth: true, disabledCommands: ['STARTTLS'], logger: false,
          onAuth(auth, session, cb) {
            if (auth.username === process.env.SMTP_USER && auth.password === process.env.SMTP_PASSWORD) cb(null, { user: auth.username });
            else cb(new Error('Invalid username or password'));
          },
          onData(stream, session, cb) {
            const chunks = [];
            stream.on('data', c => chunks.push(c));
            stream.on('end', () => {
              process.stdout.write(JSON.stringify({ user: session.user || null, from: session.envelope.mailFrom.address,
                to: session.envelope.rcptTo.map(r => r.address), data: Buffer.concat(chunks).toString('utf8') }) + '\n');
              cb();
            });
          },
        });
        server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ port: server.server.address().port }) + '\n'));
        process.stdin.on('end', () => process.exit(0));
        process.stdin.resume();
        """;

    readonly Process _node;

    public int Port { get; private set; }

    public ConcurrentQueue<ReceivedMail> Messages { get; } = new();

    SmtpPeer(Process node) => _node = node;

    public static async Task<SmtpPeer> StartAsync()
    {
        var folder = await NpmPackages.EnsureAsync("smtp-server@3", "smtp-server");
        var script = Path.Combine(folder, "smtp-peer.js");
        await File.WriteAllTextAsync(script, Script);
        var start = new ProcessStartInfo("node", [script])
        {
            RedirectStandardOutput = true, RedirectStandardInput = true, RedirectStandardError = true, WorkingDirectory = folder,
        };
        start.Environment["SMTP_USER"] = Username;
        start.Environment["SMTP_PASSWORD"] = Password;
        var peer = new SmtpPeer(Process.Start(start)!);
        var ready = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        peer._node.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not { Length: > 0 } line) return;
            using var json = JsonDocument.Parse(line);
            if (json.RootElement.TryGetProperty("port", out var port))
            {
                ready.TrySetResult(port.GetInt32());
                return;
            }
            peer.Messages.Enqueue(new ReceivedMail(
                json.RootElement.GetProperty("user").GetString(), json.RootElement.GetProperty("from").GetString()!,
                [.. json.RootElement.GetProperty("to").EnumerateArray().Select(t => t.GetString()!)], json.RootElement.GetProperty("data").GetString()!));
        };
        peer._node.BeginOutputReadLine();
        peer._node.BeginErrorReadLine();
        peer.Port = await ready.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return peer;
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

public sealed record ReceivedMail(string? User, string From, IReadOnlyList<string> To, string Data);

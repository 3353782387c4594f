using System.Collections.Concurrent;
using AgentCloud.Testing;

namespace AgentCloud.ToolGateway.FunctionalTests.Peers;

/// <summary>
/// A real SMTP server: npm's <c>smtp-server</c> (<see cref="NpmPackages.SmtpServer"/>) run by a tiny node script
/// (<see cref="NodePeer"/>). Requires AUTH as <see cref="Username"/>/<see cref="Password"/> (.NET's SmtpClient silently carries on unauthenticated when its login fails, so an optional-auth server would accept a wrong password).
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

    NodePeer _node = null!;

    public int Port => _node.Port;

    public ConcurrentQueue<ReceivedMail> Messages { get; } = new();

    public static async Task<SmtpPeer> StartAsync()
    {
        var peer = new SmtpPeer();
        peer._node = await NodePeer.StartAsync(NpmPackages.SmtpServer, Script, ".js",
            new Dictionary<string, string> { ["SMTP_USER"] = Username, ["SMTP_PASSWORD"] = Password },
            mail => peer.Messages.Enqueue(new ReceivedMail((string?)mail["user"], (string)mail["from"]!,
                [.. mail["to"]!.AsArray().Select(t => (string)t!)], (string)mail["data"]!)));
        return peer;
    }

    public ValueTask DisposeAsync() => _node.DisposeAsync();
}

public sealed record ReceivedMail(string? User, string From, IReadOnlyList<string> To, string Data);

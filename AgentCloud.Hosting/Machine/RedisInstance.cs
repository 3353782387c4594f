using System.Net.Sockets;
using System.Text;

namespace AgentCloud.Hosting.Machine;

/// <summary>redis-server from the machine (installed through apt-get when missing), loopback only, append-only file on.</summary>
public sealed class RedisInstance(string dataDirectory, int port)
{
    string _binary = "redis-server";

    public int Port => port;

    public string ConnectionString => $"127.0.0.1:{port}";

    public async Task InitializeAsync(Action<string> report, CancellationToken cancellationToken)
    {
        _binary = await MachinePackages.EnsureAsync("redis-server", "redis-server", report, cancellationToken);
        Directory.CreateDirectory(dataDirectory);
    }

    public (string File, List<string> Arguments) ServerCommand() =>
        (_binary,
        [
            "--port", port.ToString(), "--bind", "127.0.0.1", "--dir", dataDirectory, "--appendonly", "yes",
            "--appendfsync", "everysec", "--save", "", "--daemonize", "no", "--logfile", "",
        ]);

    public async Task<bool> IsReadyAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port, cancellationToken);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), cancellationToken);
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer, cancellationToken);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            return false;
        }
    }
}

using System.Net.Sockets;
using System.Text;

namespace AgentCloud.LocalServers;

/// <summary>redis-server from the machine (apt-get installs it when missing), loopback only, its append-only file on.</summary>
public sealed class LocalRedis(string dataDirectory)
{
    public static MachinePackage Package => MachinePackage.Redis;

    public string DataDirectory => dataDirectory;

    /// <param name="diesWithParent">Run by <see cref="LocalProcess"/> rather than DCP.</param>
    public ServerCommand Server(string port, bool diesWithParent = false)
    {
        Directory.CreateDirectory(dataDirectory);
        string[] arguments =
        [
            "--port", port, "--bind", "127.0.0.1", "--dir", dataDirectory, "--appendonly", "yes",
            "--appendfsync", "everysec", "--save", "", "--daemonize", "no", "--logfile", "",
        ];
        var binary = Package.Find() ?? Package.Binary; // resolved on PATH when it starts, after an install
        return ServerCommand.Create(binary, arguments, diesWithParent: diesWithParent);
    }

    public static async Task<bool> IsReadyAsync(int port, CancellationToken cancellationToken)
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

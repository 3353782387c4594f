using System.Net;
using System.Net.Sockets;

namespace AgentCloud.LocalServers;

public static class FreePort
{
    /// <summary>
    /// A free loopback port below Linux's ephemeral range (32768+), so the outgoing connections of a busy machine cannot
    /// take it between this check and the moment the server binds it.
    /// </summary>
    public static int Next()
    {
        while (true)
        {
            var candidate = Random.Shared.Next(20000, 32000);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, candidate);
                listener.Start();
                return candidate;
            }
            catch (SocketException)
            {
            }
        }
    }
}

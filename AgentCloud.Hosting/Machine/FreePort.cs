using System.Net;
using System.Net.Sockets;

namespace AgentCloud.Hosting.Machine;

public static class FreePort
{
    /// <summary>
    /// A free loopback port below Linux's ephemeral range (32768+), so the outgoing connections of a busy machine
    /// cannot take it between this check and the moment the resource binds it.
    /// </summary>
    public static int Next()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var candidate = Random.Shared.Next(20000, 32000);
            if (IsFree(candidate))
            {
                return candidate;
            }
        }
        return AnyFromTheSystem();
    }

    static int AnyFromTheSystem()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

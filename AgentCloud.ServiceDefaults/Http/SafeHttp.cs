using System.Net;
using System.Net.Sockets;

namespace AgentCloud.ServiceDefaults.Http;

/// <summary>
/// Handlers whose every connection goes through <see cref="NetworkPolicy"/> on the resolved address (in
/// <see cref="SocketsHttpHandler.ConnectCallback"/>, so a DNS answer that changes between check and connect — DNS
/// rebinding — cannot slip through). No proxy, no redirects, no cookies.
/// </summary>
public static class SafeHttp
{
    public static SocketsHttpHandler CreateHandler(NetworkPolicy policy) => new()
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectTimeout = TimeSpan.FromSeconds(10),
        ConnectCallback = async (context, cancellationToken) =>
        {
            var permitted = await policy.ResolvePermittedAsync(context.DnsEndPoint.Host, cancellationToken);
            if (permitted.Length == 0)
            {
                throw new NetworkRefusedException(context.DnsEndPoint.Host);
            }
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(permitted, context.DnsEndPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}

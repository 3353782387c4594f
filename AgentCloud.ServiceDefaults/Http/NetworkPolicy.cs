using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace AgentCloud.ServiceDefaults.Http;

/// <summary>
/// SSRF rules for code that reaches tenant-chosen hosts (tool-gateway connectors, triggers' http_poll): loopback, private (RFC 1918, CGNAT, ULA), link-local
/// (incl. cloud metadata 169.254.169.254), unspecified, multicast and reserved ranges are refused unless the tenant's
/// tool configuration lists the network in <c>allowedNetworks</c> (CIDRs). Checked on resolved addresses.
/// </summary>
public sealed class NetworkPolicy(IReadOnlyList<IPNetwork> allowed)
{
    static readonly IPNetwork[] Blocked =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"), IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.0.0.0/24"), IPNetwork.Parse("192.0.2.0/24"),
        IPNetwork.Parse("192.168.0.0/16"), IPNetwork.Parse("198.18.0.0/15"), IPNetwork.Parse("198.51.100.0/24"), IPNetwork.Parse("203.0.113.0/24"),
        IPNetwork.Parse("224.0.0.0/4"), IPNetwork.Parse("240.0.0.0/4"),
        IPNetwork.Parse("::/128"), IPNetwork.Parse("::1/128"), IPNetwork.Parse("fc00::/7"), IPNetwork.Parse("fe80::/10"),
        IPNetwork.Parse("fec0::/10"), IPNetwork.Parse("ff00::/8"), IPNetwork.Parse("100::/64"), IPNetwork.Parse("2001:db8::/32"),
    ];

    public static readonly NetworkPolicy Strict = new([]);

    public bool HasAllowList => allowed.Count > 0;

    public static NetworkPolicy FromConfiguration(JsonObject configuration)
    {
        if (configuration["allowedNetworks"] is not JsonArray networks)
        {
            return Strict;
        }
        var parsed = new List<IPNetwork>();
        foreach (var text in networks.Select(n => n?.GetValue<string>()))
        {
            if (text is not null && IPNetwork.TryParse(text, out var network))
            {
                parsed.Add(network);
            }
        }
        return new NetworkPolicy(parsed);
    }

    public static bool IsPublic(IPAddress address)
    {
        address = Normalize(address);
        return !Blocked.Any(n => n.BaseAddress.AddressFamily == address.AddressFamily && n.Contains(address));
    }

    public bool Permits(IPAddress address)
    {
        address = Normalize(address);
        return IsPublic(address) || allowed.Any(n => n.BaseAddress.AddressFamily == address.AddressFamily && n.Contains(address));
    }

    /// <summary>Resolves <paramref name="host"/> and returns the addresses it may connect to (empty = refused).</summary>
    public async Task<IPAddress[]> ResolvePermittedAsync(string host, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        return [.. addresses.Where(Permits).Select(Normalize)];
    }

    // IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::/96) addresses are judged by the IPv4 address inside.
    static IPAddress Normalize(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var bytes = address.GetAddressBytes();
            if (bytes[0] == 0x00 && bytes[1] == 0x64 && bytes[2] == 0xff && bytes[3] == 0x9b && bytes[4..12].All(b => b == 0))
            {
                return new IPAddress(bytes[12..]);
            }
        }
        return address;
    }
}

public sealed class NetworkRefusedException(string host) : Exception($"Refused to connect to '{host}': it resolves only to private, loopback or link-local addresses.")
{
    public string Host => host;
}

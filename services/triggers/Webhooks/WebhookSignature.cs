using System.Security.Cryptography;
using System.Text;

namespace AgentCloud.Triggers.Webhooks;

/// <summary>
/// Standard Webhooks signatures: the secret is <c>whsec_</c> + base64 key; a delivery carries <c>webhook-id</c>,
/// <c>webhook-timestamp</c> (Unix seconds) and <c>webhook-signature</c> (space-separated <c>v1,{base64}</c> entries),
/// where each signature is HMAC-SHA256(key, <c>{id}.{timestamp}.{body}</c>).
/// </summary>
public static class WebhookSignature
{
    const string Prefix = "whsec_";

    public static string NewSecret() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static string Sign(string secret, string id, long timestamp, ReadOnlySpan<byte> body) =>
        "v1," + Convert.ToBase64String(Hmac(secret, id, timestamp, body));

    /// <summary>True when one of the header's <c>v1</c> signatures matches (constant-time compare).</summary>
    public static bool Verify(string secret, string id, long timestamp, ReadOnlySpan<byte> body, string signatureHeader)
    {
        var expected = Hmac(secret, id, timestamp, body);
        var matched = false;
        foreach (var entry in signatureHeader.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!entry.StartsWith("v1,", StringComparison.Ordinal))
            {
                continue;
            }
            var given = new byte[expected.Length];
            if (Convert.TryFromBase64String(entry[3..], given, out var written) && written == expected.Length)
            {
                matched |= CryptographicOperations.FixedTimeEquals(given, expected);
            }
        }
        return matched;
    }

    static byte[] Hmac(string secret, string id, long timestamp, ReadOnlySpan<byte> body)
    {
        var key = Convert.FromBase64String(secret.StartsWith(Prefix, StringComparison.Ordinal) ? secret[Prefix.Length..] : secret);
        var header = Encoding.UTF8.GetBytes($"{id}.{timestamp}.");
        var content = new byte[header.Length + body.Length];
        header.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(header.Length));
        return HMACSHA256.HashData(key, content);
    }
}

using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace AgentCloud.Agents.Identity;

/// <summary>Random bearer secrets (refresh tokens, API keys): only their SHA-256 is stored.</summary>
public static class OpaqueTokens
{
    public static string New(int bytes = 32) => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(bytes));

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}

namespace AgentCloud.Agents.Identity;

/// <summary>Keys look like <c>ack_{12 hex}.{secret}</c>; the part before the dot is the prefix shown in listings.</summary>
public static class ApiKeyFormat
{
    const int PrefixLength = 16;

    public static (string Prefix, string Key) New()
    {
        var prefix = $"ack_{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6))}";
        return (prefix, $"{prefix}.{OpaqueTokens.New()}");
    }

    public static (string Prefix, string Secret)? Split(string? key)
    {
        if (key is null || key.Length > 200)
        {
            return null;
        }
        var dot = key.IndexOf('.');
        return dot == PrefixLength && key.StartsWith("ack_", StringComparison.Ordinal) && dot < key.Length - 1 ? (key[..dot], key[(dot + 1)..]) : null;
    }
}

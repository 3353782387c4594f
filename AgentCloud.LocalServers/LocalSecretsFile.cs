using System.Security.Cryptography;
using System.Text.Json;

namespace AgentCloud.LocalServers;

/// <summary>
/// The local secret store's file: created on first run with fresh random keys, mode 0600, and kept across runs so
/// data encrypted under the master key stays readable. Names missing from an older file are added.
/// </summary>
public static class LocalSecretsFile
{
    public static readonly IReadOnlyDictionary<string, int> GeneratedKeys = new Dictionary<string, int>
    {
        ["MasterKey"] = 32,
        ["JwtSigningKey"] = 64,
        // Client secrets of the services' own identities (client credentials at the agents service).
        ["ServiceSecret-agents"] = 32,
        ["ServiceSecret-tool-gateway"] = 32,
        ["ServiceSecret-credentials"] = 32,
        ["ServiceSecret-triggers"] = 32,
        ["ServiceSecret-billing"] = 32,
        ["ServiceSecret-web"] = 32,
    };

    public static string CreateIfMissing(string path)
    {
        var secrets = File.Exists(path)
            ? JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path)) ?? []
            : [];
        var missing = GeneratedKeys.Where(k => !secrets.ContainsKey(k.Key)).ToList();
        if (missing.Count > 0)
        {
            foreach (var (name, bytes) in missing)
            {
                secrets[name] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes));
            }
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temporary = path + ".tmp";
            // Created 0600 from the first byte: never readable by others, not even briefly.
            using (var file = new FileStream(temporary, new FileStreamOptions
            {
                Mode = FileMode.Create,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            }))
            {
                JsonSerializer.Serialize(file, secrets, new JsonSerializerOptions { WriteIndented = true });
            }
            File.Move(temporary, path, overwrite: true);
        }
        return path;
    }
}

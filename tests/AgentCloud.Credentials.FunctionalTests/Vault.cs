using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCloud.Credentials.Apis;
using AgentCloud.ServiceDefaults.Auth;
using AgentCloud.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Npgsql;
using Xunit;

namespace AgentCloud.Credentials.FunctionalTests;

/// <summary>Small helpers over the credentials API as tests call it.</summary>
public static class Vault
{
    public static string Credentials(Guid tenant) => $"/tenant/{tenant}/credentials";

    public static string Credential(Guid tenant, Guid id) => $"/tenant/{tenant}/credentials/{id}";

    /// <summary>A body; <paramref name="userId"/>: "omit" leaves user_id out (= the caller), null = tenant-wide.</summary>
    public static JsonObject Body(string secret, object? userId = null, string type = "smtp", string name = "Mail", JsonObject? meta = null)
    {
        var body = new JsonObject
        {
            ["type"] = type,
            ["name"] = name,
            ["meta"] = meta ?? new JsonObject { ["host"] = "smtp.example.com", ["port"] = 587 },
            ["credentials"] = new JsonObject { ["username"] = "mailer", ["password"] = secret },
        };
        if (userId is not "omit")
        {
            body["user_id"] = userId is Guid id ? id.ToString() : null;
        }
        return body;
    }

    public static async Task<Guid> CreateAsync(HttpClient client, Guid tenant, JsonObject body)
    {
        using var response = await client.PostAsJsonAsync(Credentials(tenant), body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"create: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("credential_id").GetGuid();
    }

    /// <summary>The service read; returns the status and the body.</summary>
    public static async Task<(HttpStatusCode Status, JsonElement Body)> ReadAsync(HttpClient service, Guid tenant, Guid id, string query = "")
    {
        using var response = await service.GetAsync($"{Credential(tenant, id)}{query}");
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public static async Task<string> PasswordAsync(HttpClient service, Guid tenant, Guid id, Guid? userId = null)
    {
        var (status, body) = await ReadAsync(service, tenant, id, userId is null ? "" : $"?user_id={userId}");
        Assert.True(status == HttpStatusCode.OK, $"read {id}: {(int)status} {body}");
        return body.GetProperty("credentials").GetProperty("password").GetString()!;
    }

    /// <summary>Pass secrets as parameters: SQL text shows up in Npgsql's spans, which the leak check reads.</summary>
    public static async Task<long> CountAsync(string connectionString, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    public static async Task ExecuteAsync(string connectionString, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// A client with this token. Its user becomes known to the stand-in directory as the agents role bundles would
    /// have it: owners and admins hold credentials:manage, members do not.
    /// </summary>
    public static HttpClient Client(this CredentialsFactory factory, string token)
    {
        var claims = new JsonWebToken(token);
        if (claims.TryGetPayloadValue<string>(AgentCloudClaims.Tenant, out var tid) && Guid.TryParse(tid, out var tenant)
            && Guid.TryParse(claims.Subject, out var user)
            && claims.TryGetPayloadValue<string[]>(AgentCloudClaims.Roles, out var roles))
        {
            factory.Directory.Grant(tenant, user,
                roles.Contains(AgentCloudRoles.Owner) || roles.Contains(AgentCloudRoles.Admin) ? [CredentialAccess.ManagePermission] : []);
        }
        return factory.CreateClient().WithToken(token);
    }
}

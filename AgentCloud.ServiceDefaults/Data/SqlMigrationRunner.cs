using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace AgentCloud.ServiceDefaults.Data;

/// <summary>
/// Applies the ordered SQL scripts embedded under <c>Migrations/</c> (e.g. <c>0001_tenants.sql</c>), each in its own
/// transaction, recorded in <c>schema_history</c>. A Postgres advisory lock serialises replicas starting together;
/// a script edited after it was applied stops start-up rather than drifting silently. Libraries that own tables (the
/// event bus's outbox and inbox) contribute their scripts with <see cref="Include"/>; their versions carry a library
/// prefix (<c>eventbus_0001_...</c>) so they sort after the service's own and never collide with them.
/// </summary>
public sealed class SqlMigrationRunner(NpgsqlDataSource dataSource, Assembly assembly)
{
    const long LockKey = 0x41_67_65_6E_74_43_4C; // "AgentCL": one lock per database, shared by every replica.

    public bool Completed { get; private set; }

    readonly List<SqlMigration> _scripts = [.. SqlMigration.LoadFrom(assembly)];

    public IReadOnlyList<SqlMigration> Scripts => _scripts;

    /// <summary>Adds another assembly's embedded scripts (once); call while registering services, before start-up applies them.</summary>
    public SqlMigrationRunner Include(Assembly library)
    {
        if (Completed)
        {
            throw new InvalidOperationException("Migrations were applied already; include scripts while registering services.");
        }
        foreach (var script in SqlMigration.LoadFrom(library))
        {
            var existing = _scripts.Find(s => s.Version == script.Version);
            if (existing is not null && existing.Checksum != script.Checksum)
            {
                throw new InvalidOperationException($"Two different migrations share version {script.Version}.");
            }
            if (existing is null)
            {
                _scripts.Add(script);
            }
        }
        _scripts.Sort((a, b) => StringComparer.Ordinal.Compare(a.Version, b.Version));
        return this;
    }

    public async Task<IReadOnlyList<string>> ApplyAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await Execute(connection, "SELECT pg_advisory_lock(@key)", cancellationToken, ("key", LockKey));
        try
        {
            await Execute(connection, """
                CREATE TABLE IF NOT EXISTS schema_history (
                    version text PRIMARY KEY,
                    checksum text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now())
                """, cancellationToken);

            var applied = await ReadHistory(connection, cancellationToken);
            var newlyApplied = new List<string>();
            foreach (var script in Scripts)
            {
                if (applied.TryGetValue(script.Version, out var checksum))
                {
                    if (checksum != script.Checksum)
                    {
                        throw new InvalidOperationException($"Migration {script.Version} changed after it was applied; add a new script instead.");
                    }
                    continue;
                }

                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await Execute(connection, script.Sql, cancellationToken);
                await Execute(connection, "INSERT INTO schema_history (version, checksum) VALUES (@v, @c)", cancellationToken,
                    ("v", script.Version), ("c", script.Checksum));
                await transaction.CommitAsync(cancellationToken);
                newlyApplied.Add(script.Version);
            }

            Completed = true;
            return newlyApplied;
        }
        finally
        {
            await Execute(connection, "SELECT pg_advisory_unlock(@key)", CancellationToken.None, ("key", LockKey));
        }
    }

    static async Task<Dictionary<string, string>> ReadHistory(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT version, checksum FROM schema_history", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var history = new Dictionary<string, string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            history[reader.GetString(0)] = reader.GetString(1);
        }
        return history;
    }

    static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

public sealed record SqlMigration(string Version, string Sql, string Checksum)
{
    const string Folder = ".Migrations.";

    public static IReadOnlyList<SqlMigration> LoadFrom(Assembly assembly) =>
        assembly.GetManifestResourceNames()
            .Where(name => name.Contains(Folder, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Select(name =>
            {
                using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
                var sql = reader.ReadToEnd();
                var version = name[(name.LastIndexOf(Folder, StringComparison.Ordinal) + Folder.Length)..^".sql".Length];
                return new SqlMigration(version, sql, Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(sql.ReplaceLineEndings("\n")))));
            })
            .OrderBy(m => m.Version, StringComparer.Ordinal)
            .ToList();
}

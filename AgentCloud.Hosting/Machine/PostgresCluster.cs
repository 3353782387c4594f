using System.Security.Cryptography;
using Npgsql;

namespace AgentCloud.Hosting.Machine;

/// <summary>
/// A PostgreSQL cluster from the machine's own binaries: initdb once into <c>{root}/data</c> (password auth, the
/// password kept beside it with mode 0600), then the server in the foreground on 127.0.0.1 only.
/// Ephemeral clusters (tests) trade durability for speed: fsync and synchronous commit off.
/// </summary>
public sealed class PostgresCluster(string root, int port, bool ephemeral = false)
{
    public const string User = "postgres";

    string DataDirectory => Path.Combine(root, "data");

    string PasswordFile => Path.Combine(root, "password");

    public int Port => port;

    public string Password { get; private set; } = "";

    public async Task InitializeAsync(Action<string> report, CancellationToken cancellationToken)
    {
        var bin = await MachinePackages.EnsureAsync("postgres", FindBinDirectory, "postgresql", report, cancellationToken);
        Directory.CreateDirectory(root);
        File.SetUnixFileMode(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);

        if (!File.Exists(PasswordFile))
        {
            await File.WriteAllTextAsync(PasswordFile, Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant(), cancellationToken);
            File.SetUnixFileMode(PasswordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        Password = (await File.ReadAllTextAsync(PasswordFile, cancellationToken)).Trim();

        if (File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
        {
            return;
        }

        report($"Initialising a new PostgreSQL cluster in {DataDirectory}");
        if (Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true); // left by an initdb that did not finish
        }
        Directory.CreateDirectory(DataDirectory);
        // initdb runs as the postgres user, so it gets its own copy of the password to read.
        var passwordForInitdb = Path.Combine(root, "initdb-password");
        await File.WriteAllTextAsync(passwordForInitdb, Password, cancellationToken);
        File.SetUnixFileMode(passwordForInitdb, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await SystemUser.GiveToPostgresAsync(DataDirectory, cancellationToken);
        await SystemUser.GiveToPostgresAsync(passwordForInitdb, cancellationToken);
        try
        {
            var (file, args) = SystemUser.AsPostgres(Path.Combine(bin, "initdb"),
                ["-D", DataDirectory, "-U", User, "-A", "scram-sha-256", $"--pwfile={passwordForInitdb}", "-E", "UTF8", "--no-locale", "--no-sync"]);
            await Shell.RunCheckedAsync(file, args, cancellationToken);
        }
        finally
        {
            File.Delete(passwordForInitdb);
        }
    }

    public (string File, List<string> Arguments) ServerCommand()
    {
        List<string> args =
        [
            "-D", DataDirectory, "-p", port.ToString(), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
            "-c", "max_connections=400", "-c", "log_min_messages=warning",
        ];
        if (ephemeral)
        {
            args.AddRange(["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]);
        }
        return SystemUser.AsPostgres(Path.Combine(FindBinDirectory()!, "postgres"), args);
    }

    public string ConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={port};Username={User};Password={Password};Database={database}";

    public async Task<bool> IsReadyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(ConnectionString() + ";Pooling=false;Timeout=2");
            await connection.OpenAsync(cancellationToken);
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            return false;
        }
    }

    public async Task CreateDatabaseAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ConnectionString() + ";Pooling=false");
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", name);
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name.Replace("\"", "\"\"")}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>The newest PostgreSQL under /usr/lib/postgresql, or the one pg_config names on PATH.</summary>
    public static string? FindBinDirectory()
    {
        var versions = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(dir => Path.Combine(dir, "bin"))
                .Where(bin => File.Exists(Path.Combine(bin, "postgres")))
                .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out var v) ? v : 0)
            : Enumerable.Empty<string>();
        return versions.FirstOrDefault()
            ?? (Shell.Which("postgres") is { } onPath ? Path.GetDirectoryName(onPath) : null);
    }
}

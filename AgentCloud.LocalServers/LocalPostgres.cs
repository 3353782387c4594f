using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Npgsql;

namespace AgentCloud.LocalServers;

/// <summary>
/// A PostgreSQL cluster from the machine's binaries, all its state in one folder: <c>data/</c> (initdb once, owned by
/// the postgres user) and <c>password</c> (generated on first use, mode 0600). The password lives beside the data it
/// opens, so a kept folder always logs in and a deleted one starts afresh with both.
/// Ephemeral clusters (tests) trade durability for speed: fsync and synchronous commit off.
/// </summary>
public sealed class LocalPostgres(string root, bool ephemeral = false)
{
    public const string User = PostgresUser.Name;

    public static readonly MachinePackage Package =
        new("postgres", "postgresql", () => FindBinDirectory() is { } bin ? Path.Combine(bin, "postgres") : null);

    public string Root => root;

    public string DataDirectory => Path.Combine(root, "data");

    public string PasswordFile => Path.Combine(root, "password");

    public bool IsInitialized => File.Exists(Path.Combine(DataDirectory, "PG_VERSION"));

    /// <summary>The password, created with the folder on first use.</summary>
    public string Password()
    {
        Directory.CreateDirectory(root);
        if (!File.Exists(PasswordFile))
        {
            using var file = new FileStream(PasswordFile, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
            file.Write(System.Text.Encoding.ASCII.GetBytes(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24))));
        }
        return File.ReadAllText(PasswordFile).Trim();
    }

    /// <summary>
    /// Makes the folder ready for <see cref="Initdb"/> and <see cref="Server"/>: reachable and owned by the postgres user,
    /// a half-initialised data folder (initdb interrupted) removed. Stops with the exact fix when the postgres user cannot
    /// reach the folder.
    /// </summary>
    public void Prepare()
    {
        if (PostgresUser.WhyUnreachable(root) is { } why)
        {
            throw new InvalidOperationException(why);
        }
        Password();
        File.SetUnixFileMode(root, (UnixFileMode)0b111_001_001);
        if (!IsInitialized && Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        Directory.CreateDirectory(DataDirectory);
        File.SetUnixFileMode(DataDirectory, (UnixFileMode)0b111_000_000);
        PostgresUser.Own(DataDirectory);
        PostgresUser.Own(PasswordFile); // initdb, running as postgres, reads it; root reads anything
    }

    /// <summary>Prepares the folder and runs <see cref="InitdbOnce"/> right here (fixtures, benchmarks; the AppHost runs it as a resource).</summary>
    public void Initialize()
    {
        Package.Ensure();
        Prepare();
        if (LocalProcess.Run(InitdbOnce()) is { ExitCode: not 0 } failed)
        {
            throw new InvalidOperationException($"initdb failed ({failed.ExitCode}): {failed.Output}");
        }
    }

    /// <summary>
    /// initdb when the folder holds no cluster yet; otherwise <c>postgres -C data_directory</c>, which only checks that
    /// PostgreSQL can read the cluster there (ownership, version) and prints its folder.
    /// </summary>
    public ServerCommand InitdbOnce() => IsInitialized
        ? PostgresUser.Run(Binary("postgres"), ["-D", DataDirectory, "-C", "data_directory"], PosixSignal.SIGTERM, diesWithParent: false)
        : PostgresUser.Run(Binary("initdb"),
            ["-D", DataDirectory, "-U", User, "-A", "scram-sha-256", $"--pwfile={PasswordFile}", "-E", "UTF8", "--no-locale", "--no-sync"],
            PosixSignal.SIGTERM, diesWithParent: false);

    /// <summary>The server in the foreground, on 127.0.0.1 only, no Unix socket; stopped with SIGINT, its fast shutdown.</summary>
    /// <param name="diesWithParent">Run by <see cref="LocalProcess"/> rather than DCP.</param>
    public ServerCommand Server(string port, bool diesWithParent = false)
    {
        List<string> arguments =
        [
            "-D", DataDirectory, "-p", port, "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
            "-c", "max_connections=400", "-c", "log_min_messages=warning",
        ];
        if (ephemeral)
        {
            arguments.AddRange(["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]);
        }
        return PostgresUser.Run(Binary("postgres"), arguments, PosixSignal.SIGINT, diesWithParent);
    }

    public static string ConnectionString(int port, string password, string database = "postgres") =>
        $"Host=127.0.0.1;Port={port};Username={User};Password={password};Database={database}";

    public static async Task<bool> IsReadyAsync(string connectionString, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false;Timeout=2");
            await connection.OpenAsync(cancellationToken);
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            return false;
        }
    }

    /// <summary>CREATE DATABASE unless it exists, over a connection to the server's own database.</summary>
    public static async Task CreateDatabaseAsync(string serverConnectionString, string name, CancellationToken cancellationToken)
    {
        var server = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", name);
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name.Replace("\"", "\"\"")}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    static string Binary(string name) =>
        Path.Combine(FindBinDirectory() ?? throw new InvalidOperationException(Package.MissingMessage), name);

    /// <summary>The newest PostgreSQL under /usr/lib/postgresql, or the one on PATH.</summary>
    public static string? FindBinDirectory()
    {
        var versions = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(dir => Path.Combine(dir, "bin"))
                .Where(bin => File.Exists(Path.Combine(bin, "postgres")))
                .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out var v) ? v : 0)
            : Enumerable.Empty<string>();
        return versions.FirstOrDefault()
            ?? (MachinePackage.Which("postgres") is { } onPath ? Path.GetDirectoryName(onPath) : null);
    }
}

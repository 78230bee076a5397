using System.Globalization;
using BitDust.Engine.Common;
using BitDust.Engine.Pipeline;
using Microsoft.Data.Sqlite;

namespace BitDust.Engine.Storage.Customer.Records;

/// <summary>
/// The customer's catalog in SQLite (WAL): remote paths and their versions with signed manifests, where every fragment went
/// and in what state, upload jobs with what a resume needs, the supplier family and a few settings. One connection behind a
/// lock: the statements are small and local, so callers take them synchronously. <see cref="Changed"/> fires after any change
/// the network backup of the catalog must carry.
/// </summary>
public sealed partial class Catalog : IDisposable
{
    private const int SchemaVersion = 3;

    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();
    private long _changes;

    private Catalog(string path, SqliteConnection connection)
    {
        Path = path;
        _connection = connection;
    }

    public string Path { get; }

    /// <summary>
    /// Raised (outside the lock) after files or versions change. Fragment records only count in <see cref="ChangeCount"/>: an
    /// upload stores thousands, and the version becoming durable or complete raises this soon enough.
    /// </summary>
    public event Action? Changed;

    /// <summary>Rises with every change <see cref="Changed"/> reports; a backup compares it with the count it last saved.</summary>
    public long ChangeCount => Interlocked.Read(ref _changes);

    /// <summary>home/data/customer/catalog.db</summary>
    public static string PathIn(NodeHome home) => System.IO.Path.Combine(home.DataFolder, "customer", "catalog.db");

    /// <summary>Opens (creating if needed) the catalog at <paramref name="path"/>.</summary>
    public static Catalog Open(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        // No pooling: closing the catalog must release the file (tests delete homes; a restarted service reopens it).
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = full, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false,
        }.ToString());
        try
        {
            connection.Open();
            var catalog = new Catalog(full, connection);
            catalog.CreateSchema();
            return catalog;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private void CreateSchema()
    {
        // WAL with synchronous=NORMAL loses no committed transaction when the process dies (kill -9); a power cut may lose the
        // last few. Every write that a network action depends on is made durable first (Durably): see there.
        Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;");
        var version = Convert.ToInt32(Scalar("PRAGMA user_version"), CultureInfo.InvariantCulture);
        if (version > SchemaVersion)
            throw new InvalidDataException($"The catalog {Path} was written by a newer BitDust (schema {version}); upgrade to open it.");
        Execute("""
            CREATE TABLE IF NOT EXISTS settings(name TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS files(
                file_id BLOB PRIMARY KEY, remote_path TEXT NOT NULL UNIQUE, created INTEGER NOT NULL,
                last_version INTEGER NOT NULL DEFAULT 0);
            CREATE TABLE IF NOT EXISTS versions(
                file_id BLOB NOT NULL REFERENCES files(file_id) ON DELETE CASCADE, version INTEGER NOT NULL,
                size INTEGER NOT NULL, state TEXT NOT NULL, created INTEGER NOT NULL, manifest BLOB,
                PRIMARY KEY(file_id, version));
            CREATE TABLE IF NOT EXISTS fragments(
                file_id BLOB NOT NULL, version INTEGER NOT NULL, block INTEGER NOT NULL, position INTEGER NOT NULL,
                supplier TEXT NOT NULL, sha256 BLOB, state TEXT NOT NULL,
                PRIMARY KEY(file_id, version, block, position),
                FOREIGN KEY(file_id, version) REFERENCES versions(file_id, version) ON DELETE CASCADE);
            CREATE INDEX IF NOT EXISTS fragments_by_position ON fragments(position, state);
            CREATE TABLE IF NOT EXISTS block_entries(
                file_id BLOB NOT NULL, version INTEGER NOT NULL, block INTEGER NOT NULL,
                codec INTEGER NOT NULL, stored_length INTEGER NOT NULL, block_tag BLOB NOT NULL, fragment_tags BLOB NOT NULL,
                content_hash BLOB,
                PRIMARY KEY(file_id, version, block),
                FOREIGN KEY(file_id, version) REFERENCES versions(file_id, version) ON DELETE CASCADE);
            CREATE TABLE IF NOT EXISTS upload_jobs(
                job_id TEXT PRIMARY KEY, local_path TEXT NOT NULL, remote_path TEXT NOT NULL, state TEXT NOT NULL,
                started INTEGER NOT NULL, finished INTEGER, error TEXT);
            CREATE TABLE IF NOT EXISTS upload_job_files(
                job_id TEXT NOT NULL REFERENCES upload_jobs(job_id) ON DELETE CASCADE, seq INTEGER NOT NULL,
                local_path TEXT NOT NULL, remote_path TEXT NOT NULL, size INTEGER NOT NULL,
                file_id BLOB, version INTEGER, wrapped_key BLOB, local_modified INTEGER NOT NULL DEFAULT 0,
                block_size INTEGER NOT NULL DEFAULT 0, checksum BLOB,
                PRIMARY KEY(job_id, seq));
            CREATE TABLE IF NOT EXISTS family(
                position INTEGER PRIMARY KEY, supplier TEXT NOT NULL, public_key BLOB, endpoint TEXT, state TEXT NOT NULL,
                quota INTEGER NOT NULL, hired INTEGER NOT NULL, last_seen INTEGER, last_audit INTEGER, audit_result TEXT);
            CREATE TABLE IF NOT EXISTS tree(
                path TEXT PRIMARY KEY, kind INTEGER NOT NULL, mode INTEGER NOT NULL, modified_ns INTEGER NOT NULL,
                uid INTEGER NOT NULL, gid INTEGER NOT NULL, target TEXT);
            CREATE TABLE IF NOT EXISTS pins(
                file_id BLOB NOT NULL, version INTEGER NOT NULL, holder TEXT NOT NULL, created INTEGER NOT NULL,
                PRIMARY KEY(file_id, version, holder),
                FOREIGN KEY(file_id, version) REFERENCES versions(file_id, version) ON DELETE CASCADE);
            """);
        if (version < 3)
            AddColumnsOfSchema3();
        Execute($"PRAGMA user_version={SchemaVersion.ToString(CultureInfo.InvariantCulture)}");
    }

    /// <summary>
    /// Schema 3: the hash of each block's plain bytes (a resumed upload proves the bytes it sealed are the same), the
    /// checksum of a drive copy taken when it was closed (a copy a power cut tore is not uploaded), and each file's highest
    /// version number ever begun (a number, and so a fragment key, is never used for two data keys).
    /// </summary>
    private void AddColumnsOfSchema3()
    {
        if (!Columns("block_entries").Contains("content_hash"))
            Execute("ALTER TABLE block_entries ADD COLUMN content_hash BLOB");
        if (!Columns("upload_job_files").Contains("checksum"))
            Execute("ALTER TABLE upload_job_files ADD COLUMN checksum BLOB");
        if (!Columns("files").Contains("last_version"))
            Execute("ALTER TABLE files ADD COLUMN last_version INTEGER NOT NULL DEFAULT 0");
    }

    private HashSet<string> Columns(string table) =>
        [.. Query($"SELECT name FROM pragma_table_info('{table}')", r => r.GetString(0))];

    /// <summary>
    /// Runs <paramref name="write"/> and returns only once it is on disk, with every write committed before it (one fsync of
    /// the WAL, which holds them in order). The rule: whatever a network action depends on — the wrapped key and the entry of
    /// a block before its fragments are sent, a manifest before an older version is deleted or a stub written, a batch's files
    /// before its upload starts — is written this way first, so a power cut never leaves the network ahead of the catalog.
    /// Other writes (a fragment stored) may be lost to a power cut; that only means sending the same bytes again.
    /// </summary>
    private T Durably<T>(Func<T> write)
    {
        lock (_gate)
        {
            Execute("PRAGMA synchronous=FULL");
            try
            {
                return write();
            }
            finally
            {
                Execute("PRAGMA synchronous=NORMAL");
            }
        }
    }

    /// <summary>True when the catalog holds no file, no family and no job: a fresh home, which a restore may fill.</summary>
    public bool IsEmpty
    {
        get
        {
            lock (_gate)
            {
                return Convert.ToInt64(Scalar("SELECT (SELECT COUNT(*) FROM files) + (SELECT COUNT(*) FROM upload_jobs) + (SELECT COUNT(*) FROM tree)"),
                    CultureInfo.InvariantCulture) == 0;
            }
        }
    }

    public string? GetSetting(string name)
    {
        lock (_gate)
            return Scalar("SELECT value FROM settings WHERE name=$name", ("$name", name)) as string;
    }

    public void SetSetting(string name, string value)
    {
        lock (_gate)
            Execute("INSERT INTO settings(name, value) VALUES($name, $value) ON CONFLICT(name) DO UPDATE SET value=excluded.value",
                ("$name", name), ("$value", value));
    }

    /// <summary>
    /// The next number of the sequence <paramref name="name"/> kept in the settings, above <paramref name="atLeast"/>; on disk
    /// before it is returned (<see cref="Durably"/>), so a number handed out is never handed out again, also after a power cut.
    /// What goes to the network under it (a catalog backup's version) then never meets bytes put under that number before.
    /// </summary>
    public long TakeNext(string name, long atLeast)
    {
        lock (_gate)
        {
            return Durably(() => InTransaction(() =>
            {
                var taken = Scalar("SELECT value FROM settings WHERE name=$name", ("$name", name)) is string text
                    ? long.Parse(text, CultureInfo.InvariantCulture)
                    : 0;
                var next = Math.Max(taken, atLeast) + 1;
                Execute("INSERT INTO settings(name, value) VALUES($name, $value) ON CONFLICT(name) DO UPDATE SET value=excluded.value",
                    ("$name", name), ("$value", next.ToString(CultureInfo.InvariantCulture)));
                return next;
            }));
        }
    }

    public void Dispose()
    {
        lock (_gate)
            _connection.Dispose();
    }

    /// <summary>
    /// Counts a change; <paramref name="notify"/> false for the many small ones (a fragment stored) that ride along with the next.
    /// </summary>
    private void OnChanged(bool notify = true)
    {
        Interlocked.Increment(ref _changes);
        if (notify)
            Changed?.Invoke();
    }

    private int Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        return command.ExecuteNonQuery();
    }

    private object? Scalar(string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        var value = command.ExecuteScalar();
        return value is DBNull ? null : value;
    }

    private List<T> Query<T>(string sql, Func<SqliteDataReader, T> read, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
            rows.Add(read(reader));
        return rows;
    }

    /// <summary>Runs <paramref name="body"/> in one transaction, committed only when it returns.</summary>
    private T InTransaction<T>(Func<T> body)
    {
        using var transaction = _connection.BeginTransaction();
        var result = body();
        transaction.Commit();
        return result;
    }

    private SqliteCommand Command(string sql, (string Name, object? Value)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    private static byte[] IdBytes(Guid fileId) => fileId.ToByteArray(bigEndian: true);

    private static Guid ReadId(SqliteDataReader reader, int ordinal) => new(reader.GetFieldValue<byte[]>(ordinal), bigEndian: true);

    private static FileVersion ReadVersion(SqliteDataReader reader, int ordinal) =>
        new(ReadId(reader, ordinal), reader.GetInt64(ordinal + 1));

    private static long Time(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    private static long? Time(DateTimeOffset? time) => time?.ToUnixTimeMilliseconds();

    private static DateTimeOffset ReadTime(SqliteDataReader reader, int ordinal) =>
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));

    private static DateTimeOffset? ReadOptionalTime(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : ReadTime(reader, ordinal);

    private static byte[]? ReadOptionalBytes(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<byte[]>(ordinal);

    private static string Text<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();

    private static T Parse<T>(string text) where T : struct, Enum => Enum.Parse<T>(text, ignoreCase: true);
}

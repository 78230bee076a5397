using BitDust.Engine.Pipeline;
using Microsoft.Data.Sqlite;

namespace BitDust.Engine.Storage.Customer.Records;

/// <summary>Files and their versions.</summary>
public sealed partial class Catalog
{
    private const string VersionColumns = "file_id, version, size, state, created, manifest";

    public CatalogFile? FindFile(string remotePath)
    {
        lock (_gate)
        {
            return Query("SELECT file_id, remote_path, created FROM files WHERE remote_path=$path", ReadFile, ("$path", remotePath))
                .FirstOrDefault();
        }
    }

    /// <summary>Every file whose remote path is <paramref name="prefix"/>/…, sorted by path.</summary>
    public IReadOnlyList<CatalogFile> FilesUnder(string prefix)
    {
        lock (_gate)
        {
            return Query($"SELECT file_id, remote_path, created FROM files WHERE {InSubtree("remote_path")} ORDER BY remote_path",
                ReadFile, SubtreeOf(prefix));
        }
    }

    public IReadOnlyList<CatalogFile> Files()
    {
        lock (_gate)
            return Query("SELECT file_id, remote_path, created FROM files ORDER BY remote_path", ReadFile);
    }

    /// <summary>One line per file, sorted by remote path, describing its newest version.</summary>
    public IReadOnlyList<FileSummary> ListFiles()
    {
        lock (_gate)
        {
            return Query("""
                SELECT f.remote_path, v.size, (SELECT COUNT(*) FROM versions WHERE file_id=f.file_id), v.created, v.state,
                       EXISTS(SELECT 1 FROM fragments g WHERE g.file_id=v.file_id AND g.version=v.version AND g.state<>'stored')
                FROM files f JOIN versions v ON v.file_id=f.file_id
                WHERE v.version=(SELECT MAX(version) FROM versions WHERE file_id=f.file_id)
                ORDER BY f.remote_path
                """, r =>
            {
                var state = Parse<VersionState>(r.GetString(4));
                var shown = state != VersionState.Uploading && r.GetBoolean(5) ? "degraded" : Text(state);
                return new FileSummary(r.GetString(0), r.GetInt64(1), r.GetInt32(2), ReadTime(r, 3), shown);
            });
        }
    }

    /// <summary>The versions of a file, newest first.</summary>
    public IReadOnlyList<CatalogVersion> Versions(Guid fileId)
    {
        lock (_gate)
            return Query($"SELECT {VersionColumns} FROM versions WHERE file_id=$id ORDER BY version DESC", ReadCatalogVersion,
                ("$id", IdBytes(fileId)));
    }

    public CatalogVersion? FindVersion(FileVersion file)
    {
        lock (_gate)
        {
            return Query($"SELECT {VersionColumns} FROM versions WHERE file_id=$id AND version=$version", ReadCatalogVersion,
                ("$id", IdBytes(file.FileId)), ("$version", file.Version)).FirstOrDefault();
        }
    }

    /// <summary>The newest version that can be read back (readable, durable or complete), or null.</summary>
    public CatalogVersion? LatestReadable(Guid fileId) => Versions(fileId).FirstOrDefault(v => v.Manifest is not null);

    /// <summary>
    /// Adds a version of <paramref name="remotePath"/> (adding the file, with a fresh random id, when it is new), numbered
    /// after every version the file has had, in the uploading state.
    /// </summary>
    public FileVersion BeginVersion(string remotePath, long size, DateTimeOffset created)
    {
        FileVersion file;
        lock (_gate)
            file = InTransaction(() => BeginVersionOf(remotePath, size, created));
        OnChanged();
        return file;
    }

    /// <summary>
    /// Begins the version of one file of an upload job under the remote path the job file has now (a rename may have moved it
    /// since the job was queued), in the same transaction; null when the job file is gone (its upload was called off).
    /// </summary>
    public (FileVersion File, string RemotePath)? BeginJobFileVersion(string jobId, int sequence, long size, DateTimeOffset created)
    {
        (FileVersion, string)? begun;
        lock (_gate)
        {
            begun = InTransaction<(FileVersion, string)?>(() =>
            {
                if (Scalar("SELECT remote_path FROM upload_job_files WHERE job_id=$id AND seq=$seq", ("$id", jobId), ("$seq", sequence))
                    is not string remotePath)
                    return null;
                return (BeginVersionOf(remotePath, size, created), remotePath);
            });
        }
        if (begun is not null)
            OnChanged();
        return begun;
    }

    private FileVersion BeginVersionOf(string remotePath, long size, DateTimeOffset created)
    {
        var id = Scalar("SELECT file_id FROM files WHERE remote_path=$path", ("$path", remotePath)) is byte[] existing
            ? new Guid(existing, bigEndian: true)
            : AddFile(remotePath, created);
        // After every version the file ever had, also those deleted since: a fragment key always belongs to one data key.
        var last = Scalar("""
            SELECT MAX(COALESCE((SELECT MAX(version) FROM versions WHERE file_id=$id), 0), last_version) FROM files WHERE file_id=$id
            """, ("$id", IdBytes(id))) is long highest ? highest : 0;
        var version = new FileVersion(id, last + 1);
        Execute("UPDATE files SET last_version=$version WHERE file_id=$id", ("$version", version.Version), ("$id", IdBytes(id)));
        Execute("INSERT INTO versions(file_id, version, size, state, created) VALUES($id, $version, $size, $state, $created)",
            ("$id", IdBytes(id)), ("$version", version.Version), ("$size", size), ("$state", Text(VersionState.Uploading)),
            ("$created", Time(created)));
        return version;
    }

    private Guid AddFile(string remotePath, DateTimeOffset created)
    {
        var id = Guid.NewGuid();
        Execute("INSERT INTO files(file_id, remote_path, created) VALUES($id, $path, $created)",
            ("$id", IdBytes(id)), ("$path", remotePath), ("$created", Time(created)));
        return id;
    }

    /// <summary>
    /// Keeps the signed manifest of a version that became readable, on disk before anything follows from it (an fsync answered,
    /// a stub written); its block entries are in it now, so they go.
    /// </summary>
    public void SetManifest(FileVersion file, byte[] manifest, VersionState state)
    {
        lock (_gate)
        {
            Durably(() => InTransaction(() =>
            {
                Execute("UPDATE versions SET manifest=$manifest, state=$state WHERE file_id=$id AND version=$version",
                    ("$manifest", manifest), ("$state", Text(state)), ("$id", IdBytes(file.FileId)), ("$version", file.Version));
                return Execute("DELETE FROM block_entries WHERE file_id=$id AND version=$version",
                    ("$id", IdBytes(file.FileId)), ("$version", file.Version));
            }));
        }
        OnChanged();
    }

    /// <summary>Moves a version to <paramref name="state"/>, on disk before an older version is deleted because of it.</summary>
    public void SetVersionState(FileVersion file, VersionState state)
    {
        Durably(() => Execute("UPDATE versions SET state=$state WHERE file_id=$id AND version=$version",
            ("$state", Text(state)), ("$id", IdBytes(file.FileId)), ("$version", file.Version)));
        OnChanged();
    }

    /// <summary>
    /// Forgets a version (its fragments, block entries and pins with it), and the file when it was its last version; on disk
    /// before its fragments are deleted from the suppliers, so the catalog never names fragments that are gone.
    /// </summary>
    public void DeleteVersion(FileVersion file)
    {
        lock (_gate)
        {
            Durably(() => InTransaction(() =>
            {
                Execute("DELETE FROM versions WHERE file_id=$id AND version=$version", ("$id", IdBytes(file.FileId)),
                    ("$version", file.Version));
                return Execute("DELETE FROM files WHERE file_id=$id AND NOT EXISTS(SELECT 1 FROM versions WHERE file_id=$id)",
                    ("$id", IdBytes(file.FileId)));
            }));
        }
        OnChanged();
    }

    /// <summary>
    /// What max-copies lets go: readable versions with at least <paramref name="keep"/> newer versions that are complete, and
    /// that no stub pins. A version is never let go for a newer one still short of fragments.
    /// </summary>
    public IReadOnlyList<FileVersion> VersionsToPrune(Guid fileId, int keep)
    {
        var pinned = PinnedVersions(fileId);
        var completeNewer = 0;
        var prune = new List<FileVersion>();
        foreach (var version in Versions(fileId).Where(v => v.Manifest is not null))
        {
            if (completeNewer >= keep && !pinned.Contains(version.File.Version))
                prune.Add(version.File);
            if (version.State == VersionState.Complete)
                completeNewer++;
        }
        return prune;
    }

    private static CatalogFile ReadFile(SqliteDataReader reader) => new(ReadId(reader, 0), reader.GetString(1), ReadTime(reader, 2));

    private static CatalogVersion ReadCatalogVersion(SqliteDataReader reader) =>
        new(ReadVersion(reader, 0), reader.GetInt64(2), Parse<VersionState>(reader.GetString(3)), ReadTime(reader, 4),
            ReadOptionalBytes(reader, 5));
}

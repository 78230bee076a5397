using BitDust.Engine.Pipeline;

namespace BitDust.Engine.Storage.Customer.Records;

/// <summary>
/// Versions that stubs point at: a stub handed out by <c>bitdust stub</c> (held by its path) or kept in the stub mirror (held
/// by <see cref="MirrorHolder"/>). A pinned version is never let go by max-copies; deleting its file still deletes it.
/// </summary>
public sealed partial class Catalog
{
    /// <summary>The holder of the pins of the node's stub mirror.</summary>
    public const string MirrorHolder = "stub mirror";

    /// <summary>Pins <paramref name="file"/> for <paramref name="holder"/>, on disk before the stub that needs it is given out.</summary>
    public void Pin(FileVersion file, string holder)
    {
        Durably(() => Execute("""
            INSERT OR IGNORE INTO pins(file_id, version, holder, created) VALUES($id, $version, $holder, $created)
            """, ("$id", IdBytes(file.FileId)), ("$version", file.Version), ("$holder", holder),
            ("$created", Time(DateTimeOffset.UtcNow))));
        OnChanged(notify: false);
    }

    public void Unpin(FileVersion file, string holder)
    {
        lock (_gate)
        {
            Execute("DELETE FROM pins WHERE file_id=$id AND version=$version AND holder=$holder",
                ("$id", IdBytes(file.FileId)), ("$version", file.Version), ("$holder", holder));
        }
        OnChanged(notify: false);
    }

    /// <summary>Makes <paramref name="holder"/> pin exactly <paramref name="files"/>, in one transaction.</summary>
    public void ReplacePins(string holder, IReadOnlyCollection<FileVersion> files)
    {
        lock (_gate)
        {
            Durably(() => InTransaction(() =>
            {
                Execute("DELETE FROM pins WHERE holder=$holder", ("$holder", holder));
                foreach (var file in files)
                {
                    Execute("""
                        INSERT OR IGNORE INTO pins(file_id, version, holder, created)
                        SELECT $id, $version, $holder, $created WHERE EXISTS(SELECT 1 FROM versions WHERE file_id=$id AND version=$version)
                        """, ("$id", IdBytes(file.FileId)), ("$version", file.Version), ("$holder", holder),
                        ("$created", Time(DateTimeOffset.UtcNow)));
                }
                return files.Count;
            }));
        }
        OnChanged(notify: false);
    }

    /// <summary>The version numbers of <paramref name="fileId"/> that something pins.</summary>
    public HashSet<long> PinnedVersions(Guid fileId)
    {
        lock (_gate)
            return [.. Query("SELECT DISTINCT version FROM pins WHERE file_id=$id", r => r.GetInt64(0), ("$id", IdBytes(fileId)))];
    }

    /// <summary>Every pin, for the catalog's backup.</summary>
    public IReadOnlyList<VersionPin> Pins()
    {
        lock (_gate)
        {
            return Query("SELECT file_id, version, holder, created FROM pins ORDER BY file_id, version, holder",
                r => new VersionPin(ReadVersion(r, 0), r.GetString(2), ReadTime(r, 3)));
        }
    }
}

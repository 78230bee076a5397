namespace BitDust.Engine.Storage.Customer.Records;

/// <summary>The catalog as its network backup carries it, and back.</summary>
public sealed partial class Catalog
{
    /// <summary>Every file with its readable versions (oldest first) and their fragments, in one consistent read.</summary>
    public CatalogSnapshot Snapshot()
    {
        // The lock is re-entrant: the queries below take it again, inside the one transaction.
        lock (_gate)
        {
            return InTransaction(() => new CatalogSnapshot(
                [.. Files().Select(file => new CatalogSnapshot.FileEntry(file,
                        [.. Versions(file.FileId).Where(v => v.Manifest is not null).Reverse()
                            .Select(version => new CatalogSnapshot.VersionEntry(version, Fragments(version.File)))]))
                    .Where(entry => entry.Versions.Count > 0)],
                TreeEntries(),
                Pins()));
        }
    }

    /// <summary>Fills an empty catalog from a snapshot, in one transaction; refused when the catalog already holds files.</summary>
    public void Restore(CatalogSnapshot snapshot)
    {
        lock (_gate)
        {
            InTransaction(() =>
            {
                if (Scalar("SELECT COUNT(*) FROM files") is not 0L)
                {
                    throw new InvalidOperationException(
                        $"The catalog {Path} already holds files; a backup is only restored into an empty one.");
                }
                foreach (var (file, versions) in snapshot.Files)
                {
                    Execute("INSERT INTO files(file_id, remote_path, created) VALUES($id, $path, $created)",
                        ("$id", IdBytes(file.FileId)), ("$path", file.RemotePath), ("$created", Time(file.Created)));
                    foreach (var (version, fragments) in versions)
                    {
                        Execute("""
                            INSERT INTO versions(file_id, version, size, state, created, manifest)
                            VALUES($id, $version, $size, $state, $created, $manifest)
                            """, ("$id", IdBytes(file.FileId)), ("$version", version.File.Version), ("$size", version.Size),
                            ("$state", Text(version.State)), ("$created", Time(version.Created)), ("$manifest", version.Manifest));
                        foreach (var fragment in fragments)
                            RecordFragment(fragment.Key, fragment.Supplier, fragment.Hash, fragment.State);
                    }
                }
                foreach (var pin in snapshot.Pins ?? [])
                {
                    Execute("""
                        INSERT OR IGNORE INTO pins(file_id, version, holder, created)
                        SELECT $id, $version, $holder, $created WHERE EXISTS(SELECT 1 FROM versions WHERE file_id=$id AND version=$version)
                        """, ("$id", IdBytes(pin.File.FileId)), ("$version", pin.File.Version), ("$holder", pin.Holder),
                        ("$created", Time(pin.Created)));
                }
                foreach (var entry in snapshot.Tree ?? [])
                {
                    Execute($"INSERT OR REPLACE INTO tree({TreeColumns}) VALUES($path, $kind, $mode, $modified, $uid, $gid, $target)",
                        ("$path", entry.Path), ("$kind", (int)entry.Kind), ("$mode", entry.Mode),
                        ("$modified", Nanoseconds(entry.Modified)), ("$uid", entry.Uid), ("$gid", entry.Gid), ("$target", entry.Target));
                }
                return snapshot.Files.Count;
            });
        }
        OnChanged();
    }
}

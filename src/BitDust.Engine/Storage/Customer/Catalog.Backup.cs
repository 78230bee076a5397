namespace BitDust.Engine.Storage.Customer;

/// <summary>The catalog as its network backup carries it, and back.</summary>
public sealed partial class Catalog
{
    /// <summary>Every file with its readable versions and their fragments, in one consistent read.</summary>
    public CatalogSnapshot Snapshot()
    {
        lock (_gate)
        {
            return InTransaction(() => new CatalogSnapshot(
                Query("SELECT file_id, remote_path, created FROM files ORDER BY remote_path", ReadFile).Select(file =>
                    new CatalogSnapshot.FileEntry(file,
                        Query($"SELECT {VersionColumns} FROM versions WHERE file_id=$id AND manifest IS NOT NULL ORDER BY version",
                            ReadCatalogVersion, ("$id", IdBytes(file.FileId)))
                        .Select(version => new CatalogSnapshot.VersionEntry(version,
                            Query($"SELECT {FragmentColumns} FROM fragments WHERE file_id=$id AND version=$version ORDER BY block, position",
                                ReadFragment, ("$id", IdBytes(file.FileId)), ("$version", version.File.Version))))
                        .ToList()))
                .Where(entry => entry.Versions.Count > 0)
                .ToList()));
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
                    throw new InvalidOperationException($"The catalog {Path} already holds files; a backup is only restored into an empty one.");
                foreach (var (file, versions) in snapshot.Files)
                {
                    Execute("INSERT INTO files(file_id, remote_path, created) VALUES($id, $path, $created)",
                        ("$id", IdBytes(file.FileId)), ("$path", file.RemotePath), ("$created", Time(file.Created)));
                    foreach (var (version, fragments) in versions)
                    {
                        Execute("INSERT INTO versions(file_id, version, size, state, created, manifest) VALUES($id, $version, $size, $state, $created, $manifest)",
                            ("$id", IdBytes(file.FileId)), ("$version", version.File.Version), ("$size", version.Size), ("$state", Text(version.State)),
                            ("$created", Time(version.Created)), ("$manifest", version.Manifest));
                        foreach (var fragment in fragments)
                        {
                            Execute("""
                                INSERT INTO fragments(file_id, version, block, position, supplier, sha256, state)
                                VALUES($id, $version, $block, $position, $supplier, $hash, $state)
                                """, ("$id", IdBytes(file.FileId)), ("$version", version.File.Version), ("$block", fragment.Key.BlockIndex),
                                ("$position", fragment.Key.Position), ("$supplier", fragment.Supplier), ("$hash", fragment.Hash),
                                ("$state", Text(fragment.State)));
                        }
                    }
                }
                return snapshot.Files.Count;
            });
        }
        OnChanged();
    }
}

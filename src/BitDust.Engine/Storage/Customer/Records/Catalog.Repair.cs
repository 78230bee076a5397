namespace BitDust.Engine.Storage.Customer.Records;

/// <summary>What the audits sample and the rebuild repairs.</summary>
public sealed partial class Catalog
{
    /// <summary>
    /// Up to <paramref name="count"/> fragments, picked at random, that the catalog says <paramref name="supplier"/> stores at
    /// <paramref name="position"/>, of readable versions only (their manifests say what each fragment must be).
    /// </summary>
    public IReadOnlyList<CatalogFragment> SampleStoredFragments(int position, string supplier, int count)
    {
        lock (_gate)
        {
            return Query("""
                SELECT g.file_id, g.version, g.block, g.position, g.supplier, g.sha256, g.state
                FROM fragments g JOIN versions v ON v.file_id=g.file_id AND v.version=g.version
                WHERE g.position=$position AND g.state='stored' AND g.supplier=$supplier AND v.manifest IS NOT NULL
                ORDER BY random() LIMIT $count
                """, ReadFragment, ("$position", position), ("$supplier", supplier), ("$count", count));
        }
    }

    /// <summary>
    /// Readable versions with a fragment that is not stored, or that is stored by a supplier no longer at its position, and
    /// those not recorded complete yet: the rebuild's work, oldest first.
    /// </summary>
    public IReadOnlyList<CatalogVersion> VersionsToRebuild()
    {
        lock (_gate)
        {
            return Query($"""
                SELECT {VersionColumns} FROM versions v
                WHERE v.manifest IS NOT NULL AND (v.state<>'complete' OR EXISTS(
                    SELECT 1 FROM fragments g LEFT JOIN family f ON f.position=g.position
                    WHERE g.file_id=v.file_id AND g.version=v.version
                        AND (g.state<>'stored' OR f.supplier IS NULL OR f.supplier<>g.supplier)))
                ORDER BY v.created, v.file_id, v.version
                """, ReadCatalogVersion);
        }
    }
}

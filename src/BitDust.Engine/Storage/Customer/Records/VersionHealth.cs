namespace BitDust.Engine.Storage.Customer.Records;

/// <summary>
/// A version with the health of each of its blocks, as <c>file info</c> shows it and the rebuild reads it.
/// <paramref name="LostFragments"/>: some fragment is recorded missing or bad.
/// </summary>
public sealed record VersionHealth(CatalogVersion Version, IReadOnlyList<BlockHealth> Blocks, bool LostFragments)
{
    /// <summary>The version's state, or "degraded" for a readable version that lost fragments (as <c>file list</c> says).</summary>
    public string State => Version.State != VersionState.Uploading && LostFragments
        ? "degraded"
        : Version.State.ToString().ToLowerInvariant();

    /// <summary>Blocks with fewer than n fragments stored: the rebuild's work.</summary>
    public IReadOnlyList<long> BelowFullRedundancy => [.. Blocks.Where(b => b.Healthy < b.Total).Select(b => b.Index)];
}

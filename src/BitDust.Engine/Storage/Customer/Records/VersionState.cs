namespace BitDust.Engine.Storage.Customer.Records;

/// <summary>
/// How far a file version has got into the network. Stored by name in the catalog: never rename or renumber (catalog
/// backups carry the number).
/// </summary>
public enum VersionState
{
    /// <summary>Fragments are being sent; some block has fewer than k of them stored.</summary>
    Uploading,

    /// <summary>
    /// Every block has k plus the durable margin of fragments stored (<see cref="Coding.ErasureScheme.DurableCount"/>): it can
    /// be read back even when suppliers are lost. The manifest is signed and kept.
    /// </summary>
    Durable,

    /// <summary>Every fragment of every block is stored: only now may older versions go, or the cache let its copy go.</summary>
    Complete,

    /// <summary>
    /// Every block has at least k fragments stored, but some fewer than the durable margin asks: the version can be read back,
    /// and the manifest is kept, but one lost supplier may make it unreadable. The rebuild brings it to durable and complete.
    /// </summary>
    Readable,
}

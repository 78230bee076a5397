namespace BitDust.Engine.Storage.Customer;

/// <summary>
/// How far a file version has got into the network. Stored by name in the catalog: never rename or renumber (catalog
/// backups carry the number).
/// </summary>
public enum VersionState
{
    /// <summary>Fragments are being sent; some block has fewer than k of them stored.</summary>
    Uploading,

    /// <summary>Every block has at least k fragments stored: the version can be read back. The manifest is signed and kept.</summary>
    Durable,

    /// <summary>Every fragment of every block is stored.</summary>
    Complete,
}

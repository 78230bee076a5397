namespace BitDust.Engine.Storage.Customer.Records;

/// <summary>What the catalog knows of one fragment. Stored by name: never rename or renumber (catalog backups carry the number).</summary>
public enum FragmentState
{
    /// <summary>The supplier made it durable and answered with its hash.</summary>
    Stored,

    /// <summary>Never stored, or its supplier is gone: the rebuild must recreate it.</summary>
    Missing,

    /// <summary>The supplier holds bytes that failed a check (hash, audit or tag): the rebuild must replace it.</summary>
    Bad,
}

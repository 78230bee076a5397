namespace BitDust.Engine.Identity;

/// <summary>What a holder of identities (server store or client cache) made of an offered document.</summary>
public enum IdentityVerdict
{
    /// <summary>A new name, or a higher revision signed by the key already held for the name; it replaces the old copy.</summary>
    Accepted,

    /// <summary>Byte for byte the copy already held: a re-publication, which keeps the identity from expiring.</summary>
    Unchanged,

    /// <summary>Not a valid signed document (garbage, truncated, oversized, bad fields or a bad signature).</summary>
    Malformed,

    /// <summary>A valid document for a known name, signed by a different key than the one held: a forged identity.</summary>
    ForgedKey,

    /// <summary>Signed by the right key, but not newer than the copy held.</summary>
    StaleRevision,
}

namespace BitDust.Engine.Identity;

/// <summary>How one identity server answered a publication.</summary>
public enum PublishOutcome
{
    /// <summary>The server stored the document.</summary>
    Accepted,

    /// <summary>The server already held exactly this document and refreshed it.</summary>
    Unchanged,

    /// <summary>The server refused the document (forged key, stale revision, malformed); sending it again will not help.</summary>
    Refused,

    /// <summary>The server could not be reached or failed; worth retrying.</summary>
    Failed,
}

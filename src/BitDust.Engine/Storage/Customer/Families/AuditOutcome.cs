namespace BitDust.Engine.Storage.Customer.Families;

/// <summary>How one member's audit ended.</summary>
public enum AuditOutcome
{
    /// <summary>Every fragment checked was intact, and the proof over a fresh nonce matched it.</summary>
    Passed,

    /// <summary>Some fragment was missing or damaged (the rebuild puts it back), or the member proved nothing.</summary>
    Failed,

    /// <summary>Nothing was judged: nobody at the position, nothing stored there yet, or the member did not answer.</summary>
    Skipped,
}

namespace BitDust.Engine.Storage.Customer;

/// <summary>One member's answer to a ping: its state afterwards, the round trip, or why it did not answer.</summary>
public sealed record PingReport(int Position, string? Supplier, SupplierState State, TimeSpan? RoundTrip, string? Problem);

public enum AuditOutcome
{
    /// <summary>Every fragment checked was intact, and the proof over a fresh nonce matched it.</summary>
    Passed,

    /// <summary>Some fragment was missing or damaged (the rebuild puts it back), or the member proved nothing.</summary>
    Failed,

    /// <summary>Nothing was judged: nobody at the position, nothing stored there yet, or the member did not answer.</summary>
    Skipped,
}

/// <summary>
/// One member's audit: fragments checked, what was wrong (each naming the fragment), and <see cref="Action"/> when the member
/// was fired for it.
/// </summary>
public sealed record AuditReport(int Position, string? Supplier, AuditOutcome Outcome, int FragmentsChecked, IReadOnlyList<string> Problems,
    string? Action);

/// <summary>A replacement: who was fired from the position, who was hired to it, or why nobody was yet.</summary>
public sealed record ReplaceReport(int Position, string? Fired, string? Hired, string Status);

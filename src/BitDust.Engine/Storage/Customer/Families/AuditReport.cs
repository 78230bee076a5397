namespace BitDust.Engine.Storage.Customer.Families;

/// <summary>
/// One member's audit: fragments checked, what was wrong (each naming the fragment), and <see cref="Action"/> when the member
/// was fired for it.
/// </summary>
public sealed record AuditReport(int Position, string? Supplier, AuditOutcome Outcome, int FragmentsChecked, IReadOnlyList<string> Problems,
    string? Action);

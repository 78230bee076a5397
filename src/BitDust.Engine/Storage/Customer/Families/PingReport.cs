namespace BitDust.Engine.Storage.Customer.Families;

/// <summary>One member's answer to a ping: its state afterwards, the round trip, or why it did not answer.</summary>
public sealed record PingReport(int Position, string? Supplier, SupplierState State, TimeSpan? RoundTrip, string? Problem);

namespace BitDust.Engine.Storage.Supplier;

/// <summary>The store said no (no contract, quota full, disk full, a bad fragment); the reason goes back to the customer.</summary>
public sealed class StoreRefusedException(string reason) : Exception(reason)
{
    public string Reason { get; } = reason;
}

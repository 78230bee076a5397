namespace BitDust.Engine.Storage.Protocol;

/// <summary>A supplier answered but said no: quota full, disk full, no contract, fragment not held, bad request.</summary>
public sealed class SupplierRefusedException(string supplier, string reason) : Exception($"supplier {supplier} refused: {reason}")
{
    public string Supplier { get; } = supplier;

    public string Reason { get; } = reason;
}

namespace BitDust.Engine.Storage.Customer.Families;

/// <summary>
/// The answer of the supplier at one position: a value, or the <see cref="Reason"/> there is none. <see cref="Refused"/>: the
/// supplier answered, and its answer was no (as opposed to not answering, or nobody holding the position).
/// </summary>
public sealed record PositionAnswer<T>(int Position, string Supplier, T? Value, string? Reason, bool Refused = false)
{
    public bool Succeeded => Reason is null;

    /// <summary>"supplier X at Y: reason", or null when it answered.</summary>
    public string? Problem => Reason is null ? null : $"{Supplier}: {Reason}";
}

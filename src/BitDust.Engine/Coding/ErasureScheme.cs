namespace BitDust.Engine.Coding;

/// <summary>
/// How a block is split across suppliers: <see cref="DataCount"/> data fragments plus <see cref="ParityCount"/> parity
/// fragments, any <see cref="DataCount"/> of which rebuild the block.
/// </summary>
public readonly record struct ErasureScheme(int DataCount, int ParityCount)
{
    /// <summary>The largest fragment count a GF(2^8) code can address: every fragment needs its own field element.</summary>
    public const int MaxTotal = 256;

    // The supplier counts BitDust offers and the data/parity split each one uses.
    private static readonly (int Suppliers, int Data, int Parity)[] Presets =
    [
        (2, 1, 1), (4, 2, 2), (7, 4, 3), (13, 7, 6), (18, 9, 9), (26, 13, 13), (64, 32, 32),
    ];

    /// <summary>At least 1.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Below 1.</exception>
    public int DataCount { get; } = DataCount >= 1
        ? DataCount
        : throw new ArgumentOutOfRangeException(
            nameof(DataCount), DataCount, "An erasure scheme needs at least 1 data fragment.");

    /// <summary>At least 0, and at most <see cref="MaxTotal"/> minus <see cref="DataCount"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative, or the total exceeds <see cref="MaxTotal"/>.</exception>
    public int ParityCount { get; } = CheckParity(DataCount, ParityCount);

    public int Total => DataCount + ParityCount;

    /// <summary>The supplier counts <see cref="ForSuppliers"/> accepts: 2, 4, 7, 13, 18, 26, 64.</summary>
    public static IReadOnlyList<int> SupplierCounts { get; } = Array.AsReadOnly(Presets.Select(p => p.Suppliers).ToArray());

    /// <summary>The scheme BitDust uses for a family of <paramref name="suppliers"/> suppliers.</summary>
    /// <exception cref="ArgumentException"><paramref name="suppliers"/> is not one of <see cref="SupplierCounts"/>.</exception>
    public static ErasureScheme ForSuppliers(int suppliers)
    {
        foreach (var preset in Presets)
        {
            if (preset.Suppliers == suppliers)
            {
                return new ErasureScheme(preset.Data, preset.Parity);
            }
        }

        throw new ArgumentException(
            $"There is no erasure scheme for {suppliers} suppliers; choose one of {string.Join(", ", SupplierCounts)}.",
            nameof(suppliers));
    }

    /// <summary>
    /// Bytes per fragment for a block of <paramref name="blockBytes"/>: ceil(blockBytes / DataCount) rounded up to a
    /// multiple of 64, so every fragment is a whole number of 512-bit vectors.
    /// </summary>
    public int ShardLength(int blockBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(blockBytes);
        var dataCount = Math.Max(DataCount, 1);
        var perShard = ((long)blockBytes + dataCount - 1) / dataCount;
        var rounded = (perShard + 63) & ~63L;
        return rounded <= int.MaxValue
            ? (int)rounded
            : throw new ArgumentOutOfRangeException(nameof(blockBytes), blockBytes, "The fragments would exceed 2 GiB.");
    }

    /// <summary>
    /// Fragments of a block that must be stored before it counts as durable: k plus <paramref name="margin"/> parity fragments
    /// (a negative margin: half the parity, rounded up), at most n. With only k stored, losing any one supplier loses the block.
    /// </summary>
    public int DurableCount(int margin) => DataCount + Math.Min(ParityCount, margin < 0 ? (ParityCount + 1) / 2 : margin);

    public override string ToString() => $"{DataCount}+{ParityCount}";

    private static int CheckParity(int dataCount, int parityCount)
    {
        if (parityCount < 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(ParityCount), parityCount, "An erasure scheme cannot have a negative number of parity fragments.");
        }

        if (dataCount + parityCount > MaxTotal)
        {
            throw new ArgumentOutOfRangeException(
                nameof(ParityCount),
                parityCount,
                $"{dataCount} data + {parityCount} parity fragments exceed the {MaxTotal} a GF(2^8) code can address.");
        }

        return parityCount;
    }

    /// <summary>Rejects <c>default(ErasureScheme)</c>, the one value that can skip the constructor's checks.</summary>
    internal void EnsureValid(string paramName)
    {
        if (DataCount < 1)
        {
            throw new ArgumentException(
                "The erasure scheme is uninitialized (0 data fragments); construct it with a data count.", paramName);
        }
    }
}

namespace BitDust.Engine.Coding;

/// <summary>
/// Which fragments a reconstruction reads and which it rebuilds: the key decode matrices are cached under. Each set
/// is a 256-bit mask, one bit per fragment index.
/// </summary>
internal readonly record struct ErasurePattern(UInt128 UsedLow, UInt128 UsedHigh, UInt128 WantedLow, UInt128 WantedHigh)
{
    public static ErasurePattern Of(ReadOnlySpan<int> used, ReadOnlySpan<int> wanted)
    {
        var (usedLow, usedHigh) = Mask(used);
        var (wantedLow, wantedHigh) = Mask(wanted);
        return new(usedLow, usedHigh, wantedLow, wantedHigh);
    }

    /// <summary>The fragment indices read, ascending.</summary>
    public int[] Used() => Indices(UsedLow, UsedHigh);

    /// <summary>The fragment indices rebuilt, ascending.</summary>
    public int[] Wanted() => Indices(WantedLow, WantedHigh);

    private static (UInt128 Low, UInt128 High) Mask(ReadOnlySpan<int> indices)
    {
        UInt128 low = 0, high = 0;
        foreach (var index in indices)
        {
            if (index < 128)
            {
                low |= UInt128.One << index;
            }
            else
            {
                high |= UInt128.One << (index - 128);
            }
        }

        return (low, high);
    }

    private static int[] Indices(UInt128 low, UInt128 high)
    {
        var indices = new int[(int)(UInt128.PopCount(low) + UInt128.PopCount(high))];
        var next = 0;
        for (var i = 0; i < 256; i++)
        {
            var bit = i < 128 ? (low >> i) & 1 : (high >> (i - 128)) & 1;
            if (bit != 0)
            {
                indices[next++] = i;
            }
        }

        return indices;
    }
}

using System.Collections.Concurrent;

namespace BitDust.Engine.Coding;

/// <summary>
/// A systematic Reed-Solomon erasure code over GF(2^8): fragments [0, DataCount) hold the block as is, fragments
/// [DataCount, Total) hold parity, and any DataCount fragments rebuild the rest. Safe for concurrent use.
/// </summary>
public sealed class ReedSolomon
{
    // Bounds memory when fragments keep failing in new combinations: a 32+32 decode matrix expands to 64 KiB of
    // Gfni512 tables. Patterns repeat block after block while the same suppliers are away, so a small cache suffices.
    private const int MaxCachedDecoders = 256;

    private readonly byte[] _parityRows;
    private readonly CodingMatrix? _encoder;
    private readonly ConcurrentDictionary<ErasurePattern, CodingMatrix> _decoders = new();

    /// <param name="scheme">Data and parity fragment counts.</param>
    /// <param name="kernel">The instruction set to code with; null picks <see cref="GfKernel.Best"/>.</param>
    public ReedSolomon(ErasureScheme scheme, GfKernel? kernel = null)
    {
        scheme.EnsureValid(nameof(scheme));
        Scheme = scheme;
        Kernel = kernel ?? GfKernel.Best;
        _parityRows = GaloisMatrix.Cauchy(scheme.DataCount, scheme.ParityCount);
        if (scheme.ParityCount > 0)
        {
            _encoder = new CodingMatrix(Kernel, _parityRows, scheme.ParityCount, scheme.DataCount);
        }
    }

    public ErasureScheme Scheme { get; }

    public GfKernel Kernel { get; }

    /// <summary>Computes the parity fragments [DataCount, Total) from the data fragments [0, DataCount).</summary>
    /// <param name="shards">All Total fragments, each at least <paramref name="length"/> bytes.</param>
    /// <param name="length">Bytes per fragment to code.</param>
    public void Encode(ReadOnlySpan<Memory<byte>> shards, int length)
    {
        CheckShape(shards.Length, nameof(shards), length);
        Span<int> order = stackalloc int[Scheme.Total];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        ShardPins.CheckLengths(shards, order, length);
        if (_encoder is not null && length > 0)
        {
            ShardPins.Run(_encoder, shards, order, length);
        }
    }

    /// <summary>
    /// Rebuilds in place every fragment whose <paramref name="present"/> flag is false (with <paramref name="dataOnly"/>,
    /// only the missing data fragments) from the first DataCount present ones.
    /// </summary>
    /// <exception cref="NotEnoughFragmentsException">Fewer than DataCount fragments are present.</exception>
    public void Reconstruct(ReadOnlySpan<Memory<byte>> shards, ReadOnlySpan<bool> present, int length, bool dataOnly = false)
    {
        CheckShape(shards.Length, nameof(shards), length);
        CheckShape(present.Length, nameof(present), length);
        var dataCount = Scheme.DataCount;
        Span<int> order = stackalloc int[Scheme.Total];
        var used = 0;
        var wanted = 0;
        var presentCount = 0;
        for (var i = 0; i < present.Length; i++)
        {
            if (present[i])
            {
                presentCount++;
                if (used < dataCount)
                {
                    order[used++] = i;
                }
            }
        }

        // Short of k present, some data fragment is missing, so there is always something to rebuild and no way to.
        if (presentCount < dataCount)
        {
            throw new NotEnoughFragmentsException(presentCount, dataCount, Scheme.Total);
        }

        for (var i = 0; i < (dataOnly ? dataCount : present.Length); i++)
        {
            if (!present[i])
            {
                order[dataCount + wanted++] = i;
            }
        }

        if (wanted == 0)
        {
            return;
        }

        order = order[..(dataCount + wanted)];
        ShardPins.CheckLengths(shards, order, length);
        if (length > 0)
        {
            ShardPins.Run(Decoder(ErasurePattern.Of(order[..dataCount], order[dataCount..])), shards, order, length);
        }
    }

    private void CheckShape(int count, string paramName, int length)
    {
        if (count != Scheme.Total)
        {
            throw new ArgumentException($"Scheme {Scheme} codes {Scheme.Total} fragments, not {count}.", paramName);
        }

        ArgumentOutOfRangeException.ThrowIfNegative(length);
    }

    private CodingMatrix Decoder(ErasurePattern pattern)
    {
        if (_decoders.TryGetValue(pattern, out var decoder))
        {
            return decoder;
        }

        if (_decoders.Count >= MaxCachedDecoders)
        {
            _decoders.Clear();
        }

        return _decoders.GetOrAdd(pattern, static (key, coder) => coder.BuildDecoder(key), this);
    }

    // Rows of the encoding matrix [I; C] for the fragments read form a k x k matrix B with B * data = read fragments,
    // so data = B^-1 * read: a lost data fragment d is row d of B^-1 and a lost parity fragment p is C_p * B^-1.
    private CodingMatrix BuildDecoder(ErasurePattern pattern)
    {
        var k = Scheme.DataCount;
        var used = pattern.Used();
        var wanted = pattern.Wanted();
        var survivors = new byte[k * k];
        for (var i = 0; i < k; i++)
        {
            if (used[i] < k)
            {
                survivors[(i * k) + used[i]] = 1;
            }
            else
            {
                _parityRows.AsSpan((used[i] - k) * k, k).CopyTo(survivors.AsSpan(i * k));
            }
        }

        var inverse = GaloisMatrix.Invert(survivors, k);
        var rows = new byte[wanted.Length * k];
        for (var r = 0; r < wanted.Length; r++)
        {
            var row = wanted[r] < k
                ? inverse.AsSpan(wanted[r] * k, k)
                : GaloisMatrix.Multiply(_parityRows.AsSpan((wanted[r] - k) * k, k), 1, inverse, k);
            row.CopyTo(rows.AsSpan(r * k));
        }

        return new CodingMatrix(Kernel, rows, wanted.Length, k);
    }
}

using System.Diagnostics.CodeAnalysis;

namespace BitDust.Engine.Pipeline;

/// <summary>
/// Decides per block whether compression pays, and does it. Most large files people store (photos, video, archives) do not
/// compress; a byte-histogram of a sample tells those apart for about 1 % of the cost of trying, so incompressible blocks go
/// straight to sealing. Blocks that look compressible are compressed with zstd and kept compressed only if they shrink.
/// </summary>
public sealed class BlockCompressor
{
    /// <summary>Zstd level 1: hundreds of MB/s per core, most of the gain of higher levels for typical documents.</summary>
    public const int DefaultLevel = 1;

    private const int SampleCount = 64;
    private const int SampleLength = 256;

    // Shannon entropy (bits per byte) of the sample above which we do not even try: zstd gains under 1-2 % there.
    private const double IncompressibleEntropy = 7.9;

    private readonly int _level;

    public BlockCompressor(int level = DefaultLevel)
    {
        if (level is < 1 or > 19)
            throw new ArgumentOutOfRangeException(nameof(level), level, "zstd level must be between 1 and 19.");
        _level = level;
    }

    /// <summary>Worst-case size of a compressed block of <paramref name="length"/> bytes.</summary>
    public static int MaxCompressedLength(int length) => Zstd.CompressBound(length);

    /// <summary>
    /// Compresses <paramref name="block"/> into <paramref name="destination"/> (at least <see cref="MaxCompressedLength"/>) when
    /// that makes it smaller; returns <see cref="BlockCodec.None"/> and leaves the destination unused otherwise.
    /// </summary>
    public BlockCodec TryCompress(ReadOnlySpan<byte> block, Span<byte> destination, out int compressedLength)
    {
        compressedLength = 0;
        if (block.Length < 512 || LooksIncompressible(block))
            return BlockCodec.None;
        var length = Zstd.Compress(block, destination, _level);
        // Keep it only if it saves at least 1/64: a marginal gain costs a decompression on every read.
        if (length >= block.Length - (block.Length >> 6))
            return BlockCodec.None;
        compressedLength = length;
        return BlockCodec.Zstd;
    }

    /// <summary>Restores a block of exactly <paramref name="destination"/>.Length bytes; false with a reason for bad input.</summary>
    public static bool TryDecompress(BlockCodec codec, ReadOnlySpan<byte> stored, Span<byte> destination, [NotNullWhen(false)] out string? error)
    {
        switch (codec)
        {
            case BlockCodec.None:
                if (stored.Length != destination.Length)
                {
                    error = $"stored length {stored.Length} differs from the block length {destination.Length}";
                    return false;
                }
                stored.CopyTo(destination);
                error = null;
                return true;
            case BlockCodec.Zstd:
                if (!Zstd.TryDecompress(stored, destination, out var written, out error))
                    return false;
                if (written != destination.Length)
                {
                    error = $"decompressed to {written} bytes, expected {destination.Length}";
                    return false;
                }
                return true;
            default:
                error = $"unknown codec {(byte)codec}";
                return false;
        }
    }

    internal static bool LooksIncompressible(ReadOnlySpan<byte> block)
    {
        Span<int> histogram = stackalloc int[256];
        var stride = Math.Max(SampleLength, block.Length / SampleCount);
        var total = 0;
        for (var start = 0; start < block.Length; start += stride)
        {
            foreach (var b in block.Slice(start, Math.Min(SampleLength, block.Length - start)))
                histogram[b]++;
            total += Math.Min(SampleLength, block.Length - start);
        }
        double entropy = 0;
        foreach (var count in histogram)
        {
            if (count == 0)
                continue;
            var p = (double)count / total;
            entropy -= p * Math.Log2(p);
        }
        // A small sample of random bytes under-estimates entropy (missing symbols); correct for it (Miller-Madow).
        var seen = 0;
        foreach (var count in histogram)
            seen += count == 0 ? 0 : 1;
        entropy += (seen - 1) / (2.0 * total * Math.Log(2));
        return entropy >= IncompressibleEntropy;
    }
}

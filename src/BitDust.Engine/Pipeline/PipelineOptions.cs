using System.Buffers;
using BitDust.Engine.Coding;

namespace BitDust.Engine.Pipeline;

/// <summary>How a file version is cut, compressed and spread.</summary>
public sealed record PipelineOptions
{
    /// <summary>4 MiB: large enough that per-block costs vanish, small enough that a range read fetches little.</summary>
    public int BlockSize { get; init; } = PipelineLimits.DefaultBlockSize;

    /// <summary>Default: 7 suppliers, any 4 of which rebuild every block.</summary>
    public ErasureScheme Scheme { get; init; } = ErasureScheme.ForSuppliers(7);

    /// <summary>Blocks encoded or decoded at once; memory in use is about 2 × this × (block + fragments).</summary>
    public int Parallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Where fragment buffers come from and go back to when an <see cref="EncodedBlock"/> is disposed. The shared pool keeps
    /// only a few large arrays; a caller that holds many blocks at once (an in-memory store) gives a pool sized for them.
    /// </summary>
    public ArrayPool<byte> FragmentBuffers { get; init; } = ArrayPool<byte>.Shared;

    /// <summary>Null disables compression.</summary>
    public BlockCompressor? Compressor { get; init; } = new();

    public void Validate()
    {
        if (BlockSize is < PipelineLimits.MinBlockSize or > PipelineLimits.MaxBlockSize)
            throw new ArgumentOutOfRangeException(nameof(BlockSize), BlockSize,
                $"Block size must be between {PipelineLimits.MinBlockSize} and {PipelineLimits.MaxBlockSize} bytes.");
        if (Parallelism is < 1 or > 256)
            throw new ArgumentOutOfRangeException(nameof(Parallelism), Parallelism, "Parallelism must be between 1 and 256.");
    }
}

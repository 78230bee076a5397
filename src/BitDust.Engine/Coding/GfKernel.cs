using System.Buffers;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace BitDust.Engine.Coding;

/// <summary>
/// Multiplies fragments by a GF(2^8) matrix with one instruction set. Every kind computes the same bytes; they differ
/// only in speed. Instances are stateless and safe to share between threads.
/// </summary>
public abstract unsafe class GfKernel
{
    // Slowest first. GF2P8MULB does in one instruction what PSHUFB needs two lookups and a split into nibbles for,
    // so GFNI outranks PSHUFB at the same width; but 512-bit PSHUFB still moves more bytes than 256-bit GFNI.
    private static readonly GfKernel[] All =
    [
        ScalarKernel.Instance,
        new VectorKernel<Avx2Ops, Vector256<byte>, NibblePair<Vector256<byte>>>(),
        new VectorKernel<Gfni256Ops, Vector256<byte>, Vector256<byte>>(),
        new VectorKernel<Avx512Ops, Vector512<byte>, NibblePair<Vector512<byte>>>(),
        new VectorKernel<Gfni512Ops, Vector512<byte>, Vector512<byte>>(),
    ];

    private protected GfKernel()
    {
    }

    public abstract GfKernelKind Kind { get; }

    /// <summary>Every kernel this CPU can run, slowest first: Scalar, Avx2, Gfni256, Avx512, Gfni512.</summary>
    public static IReadOnlyList<GfKernel> Supported { get; } = Array.AsReadOnly(All.Where(k => k.IsSupported).ToArray());

    /// <summary>The fastest kernel this CPU can run: Gfni512, else Avx512, Gfni256, Avx2, Scalar.</summary>
    public static GfKernel Best { get; } = Supported[^1];

    /// <summary>Bytes of precomputed table per coefficient; 0 when the kernel reads the coefficients directly.</summary>
    internal abstract int TableBytes { get; }

    private protected abstract bool IsSupported { get; }

    /// <exception cref="NotSupportedException">This CPU lacks the instructions <paramref name="kind"/> needs.</exception>
    public static GfKernel Get(GfKernelKind kind)
    {
        foreach (var kernel in Supported)
        {
            if (kernel.Kind == kind)
            {
                return kernel;
            }
        }

        throw new NotSupportedException(
            $"This CPU cannot run the {kind} erasure-coding kernel; use GfKernel.Best or one of: "
            + $"{string.Join(", ", Supported.Select(k => k.Kind))}.");
    }

    /// <summary>
    /// outputs[r][0..length) = XOR over j of matrix[r * inputs.Length + j] * inputs[j][0..length). Outputs are
    /// overwritten, not accumulated into, and must not overlap the inputs. Expands the matrix on every call; the
    /// Reed-Solomon coder keeps its expanded matrices instead.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// More than 256 inputs or outputs, a matrix of the wrong size, or a fragment shorter than <paramref name="length"/>.
    /// </exception>
    public void Multiply(
        ReadOnlySpan<byte> matrix, ReadOnlySpan<ReadOnlyMemory<byte>> inputs, ReadOnlySpan<Memory<byte>> outputs, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (inputs.Length > ErasureScheme.MaxTotal || outputs.Length > ErasureScheme.MaxTotal)
        {
            throw new ArgumentException(
                $"{inputs.Length} inputs and {outputs.Length} outputs: a GF(2^8) code has at most {ErasureScheme.MaxTotal} of each.");
        }

        if (matrix.Length != outputs.Length * inputs.Length)
        {
            throw new ArgumentException(
                $"A matrix for {inputs.Length} inputs and {outputs.Length} outputs needs {outputs.Length * inputs.Length} "
                + $"coefficients, not {matrix.Length}.",
                nameof(matrix));
        }

        for (var j = 0; j < inputs.Length; j++)
        {
            CheckLength(inputs[j].Length, length, nameof(inputs), j);
        }

        for (var r = 0; r < outputs.Length; r++)
        {
            CheckLength(outputs[r].Length, length, nameof(outputs), r);
        }

        var shards = ArrayPool<Memory<byte>>.Shared.Rent(inputs.Length + outputs.Length);
        try
        {
            for (var j = 0; j < inputs.Length; j++)
            {
                // Inputs are only read; the writable view just lets inputs and outputs share one pinning path.
                shards[j] = MemoryMarshal.AsMemory(inputs[j]);
            }

            outputs.CopyTo(shards.AsSpan(inputs.Length));
            Span<int> order = stackalloc int[inputs.Length + outputs.Length];
            for (var i = 0; i < order.Length; i++)
            {
                order[i] = i;
            }

            if (inputs.Length == 0)
            {
                // The empty sum: nothing to multiply, every output is zero.
                foreach (var output in outputs)
                {
                    output.Span[..length].Clear();
                }
            }
            else if (outputs.Length > 0 && length > 0)
            {
                var prepared = new CodingMatrix(this, matrix, outputs.Length, inputs.Length);
                ShardPins.Run(prepared, shards, order, length);
            }
        }
        finally
        {
            Array.Clear(shards);
            ArrayPool<Memory<byte>>.Shared.Return(shards);
        }
    }

    private static void CheckLength(int available, int length, string paramName, int index)
    {
        if (available < length)
        {
            throw new ArgumentException($"{paramName}[{index}] holds {available} bytes but {length} are being multiplied.", paramName);
        }
    }

    /// <summary>Writes the table for <paramref name="coefficient"/> (TableBytes bytes, 64-byte aligned).</summary>
    internal abstract void WriteTable(byte coefficient, byte* table);

    /// <summary>Runs the matrix over pinned fragments: inputs[j] and outputs[r] each hold at least length bytes.</summary>
    internal abstract void Run(CodingMatrix matrix, byte** inputs, byte** outputs, int length);

    public override string ToString() => Kind.ToString();
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace BitDust.Engine.Coding;

/// <summary>
/// A SIMD kernel: loads each input vector once and folds it into up to 16 output accumulators held in registers,
/// so a pass over the fragments reads every input byte once and writes every output byte once.
/// </summary>
internal sealed unsafe partial class VectorKernel<TOps, TVector, TInput> : GfKernel
    where TOps : struct, IGfVectorOps<TVector, TInput>
    where TVector : unmanaged
    where TInput : unmanaged
{
    // Passes writing this many bytes (over all output rows) prefetch their inputs and, when they can, stream their
    // outputs: data this large is on its way through memory rather than staying in cache. Smaller passes keep
    // their outputs cached for whoever reads them next.
    private const long LargePassBytes = 256 * 1024;

    // With more rows than one group holds, the groups take turns over column chunks this many input bytes wide, so
    // the later groups re-read the chunk from L1 rather than the whole inputs from memory.
    private const int ChunkInputBytes = 16 * 1024;

    public override GfKernelKind Kind => TOps.Kind;

    internal override int TableBytes => TOps.TableBytes;

    private protected override bool IsSupported => TOps.IsSupported;

    internal override void WriteTable(byte coefficient, byte* table) => TOps.WriteTable(coefficient, table);

    internal override void Run(CodingMatrix matrix, byte** inputs, byte** outputs, int length)
    {
        nint width = TOps.Width;
        if (length < width)
        {
            ScalarKernel.Multiply(matrix.Coefficients, matrix.Columns, inputs, outputs, matrix.Rows, length);
            return;
        }

        if ((long)length * matrix.Rows < LargePassBytes)
        {
            RunRange<CachedPass>(matrix, inputs, outputs, 0, length);
            return;
        }

        // Streaming stores must be aligned, and a pass stores every row at the same offset, so only outputs that
        // share their misalignment can stream (fragments sliced from one buffer at ShardLength strides do).
        if (!SameAlignment(outputs, matrix.Rows))
        {
            RunRange<PrefetchedPass>(matrix, inputs, outputs, 0, length);
            return;
        }

        // An ordinary first vector covers the bytes before the outputs' first aligned offset; streaming stores take
        // over from there.
        var head = -(nint)outputs[0] & (width - 1);
        if (head != 0)
        {
            RunRange<CachedPass>(matrix, inputs, outputs, 0, width);
        }

        RunRange<StreamingPass>(matrix, inputs, outputs, head, length);

        // Streaming stores are weakly ordered: fence them so whoever the caller hands the fragments to sees them.
        Sse.StoreFence();
    }

    private static bool SameAlignment(byte** outputs, int rows)
    {
        var misalignment = (nint)outputs[0] & (TOps.Width - 1);
        for (var r = 1; r < rows; r++)
        {
            if (((nint)outputs[r] & (TOps.Width - 1)) != misalignment)
            {
                return false;
            }
        }

        return true;
    }

    private static void RunRange<TPass>(CodingMatrix matrix, byte** inputs, byte** outputs, nint start, nint end)
        where TPass : struct, IPassMode
    {
        var rows = matrix.Rows;
        var groups = (rows + TOps.MaxRows - 1) / TOps.MaxRows;
        if (groups == 1)
        {
            RunGroup<TPass>(matrix, 0, rows, inputs, outputs, start, end);
            return;
        }

        nint chunk = Math.Max(TOps.Width, ChunkInputBytes / matrix.Columns / TOps.Width * TOps.Width);
        for (var from = start; from < end; from += chunk)
        {
            var to = Math.Min(end, from + chunk);
            for (var g = 0; g < groups; g++)
            {
                var firstRow = g * rows / groups;
                var nextRow = (g + 1) * rows / groups;
                RunGroup<TPass>(matrix, firstRow, nextRow - firstRow, inputs, outputs + firstRow, from, to);
            }
        }
    }

    private static void RunGroup<TPass>(CodingMatrix matrix, int firstRow, int count, byte** inputs, byte** outputs, nint start, nint end)
        where TPass : struct, IPassMode
    {
        var tables = matrix.Tables + (firstRow * TOps.TableBytes);
        nint stride = matrix.Rows * TOps.TableBytes;
        var columns = matrix.Columns;
        switch (count)
        {
            case 1: Loop<Rows1, TPass>(inputs, columns, outputs, tables, stride, start, end); break;
            case 2: Loop<Rows2, TPass>(inputs, columns, outputs, tables, stride, start, end); break;
            case 3: Loop<Rows3, TPass>(inputs, columns, outputs, tables, stride, start, end); break;
            case 4: Loop<Rows4, TPass>(inputs, columns, outputs, tables, stride, start, end); break;
            case 5: Loop<Rows5, TPass>(inputs, columns, outputs, tables, stride, start, end); break;
            case 6: Loop<Rows6, TPass>(inputs, columns, outputs, tables, stride, start, end); break;
            case 7: Loop<Rows7, TPass>(inputs, columns, outputs, tables, stride, start, end); break;
            case 8: Loop<Rows8, TPass>(inputs, columns, outputs, tables, stride, start, end); break;
            case 9: Loop<Rows9, TPass>(inputs, columns, outputs, tables, stride, start, end); break;
            case 10: Loop<Rows10, TPass>(inputs, columns, outputs, tables, stride, start, end); break;
            case 11: Loop<Rows11, TPass>(inputs, columns, outputs, tables, stride, start, end); break;
            case 12: Loop<Rows12, TPass>(inputs, columns, outputs, tables, stride, start, end); break;
            case 13: Loop<Rows13, TPass>(inputs, columns, outputs, tables, stride, start, end); break;
            case 14: Loop<Rows14, TPass>(inputs, columns, outputs, tables, stride, start, end); break;
            case 15: Loop<Rows15, TPass>(inputs, columns, outputs, tables, stride, start, end); break;
            default: Loop<Rows16, TPass>(inputs, columns, outputs, tables, stride, start, end); break;
        }
    }

    // Covers [start, end) in whole vectors; a ragged end is finished by one more vector ending exactly at end, which
    // recomputes a few bytes already written with the same values (end >= Width always holds here).
    private static void Loop<TRows, TPass>(byte** inputs, int columns, byte** outputs, byte* tables, nint stride, nint start, nint end)
        where TRows : struct, IRowCount
        where TPass : struct, IPassMode
    {
        nint width = TOps.Width;
        var i = start;
        for (; i <= end - width; i += width)
        {
            Step<TRows, TPass>(inputs, columns, outputs, tables, stride, i, lastVector: false);
        }

        if (i < end)
        {
            Step<TRows, TPass>(inputs, columns, outputs, tables, stride, end - width, lastVector: true);
        }
    }
}

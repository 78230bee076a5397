using System.Runtime.CompilerServices;

namespace BitDust.Engine.Coding;

/// <summary>
/// A SIMD kernel: loads each input vector once and folds it into up to eight output accumulators held in registers,
/// so a pass over the fragments reads every input byte once and writes every output byte once.
/// </summary>
internal sealed unsafe class VectorKernel<TOps, TVector, TInput> : GfKernel
    where TOps : struct, IGfVectorOps<TVector, TInput>
    where TVector : unmanaged
    where TInput : unmanaged
{
    private const int MaxGroupRows = 8;

    // With more rows than one group holds, the groups take turns over column chunks this many input bytes wide, so
    // the later groups re-read the chunk from L1 rather than the whole inputs from memory.
    private const int ChunkInputBytes = 32 * 1024;

    public override GfKernelKind Kind => TOps.Kind;

    internal override int TableBytes => TOps.TableBytes;

    private protected override bool IsSupported => TOps.IsSupported;

    internal override void WriteTable(byte coefficient, byte* table) => TOps.WriteTable(coefficient, table);

    internal override void Run(CodingMatrix matrix, byte** inputs, byte** outputs, int length)
    {
        var width = TOps.Width;
        if (length < width)
        {
            ScalarKernel.Multiply(matrix.Coefficients, matrix.Columns, inputs, outputs, matrix.Rows, length);
            return;
        }

        var rows = matrix.Rows;
        var groups = (rows + MaxGroupRows - 1) / MaxGroupRows;
        if (groups == 1)
        {
            RunGroup(matrix, 0, rows, inputs, outputs, 0, length);
            return;
        }

        var chunk = Math.Max(width, ChunkInputBytes / matrix.Columns / width * width);
        for (var start = 0; start < length; start += chunk)
        {
            var end = Math.Min(length, start + chunk);
            for (var g = 0; g < groups; g++)
            {
                var firstRow = g * rows / groups;
                var nextRow = (g + 1) * rows / groups;
                RunGroup(matrix, firstRow, nextRow - firstRow, inputs, outputs + firstRow, start, end);
            }
        }
    }

    private static void RunGroup(CodingMatrix matrix, int firstRow, int count, byte** inputs, byte** outputs, nint start, nint end)
    {
        var tables = matrix.Tables + (firstRow * TOps.TableBytes);
        nint stride = matrix.Rows * TOps.TableBytes;
        var columns = matrix.Columns;
        switch (count)
        {
            case 1: Loop<Rows1>(inputs, columns, outputs, tables, stride, start, end); break;
            case 2: Loop<Rows2>(inputs, columns, outputs, tables, stride, start, end); break;
            case 3: Loop<Rows3>(inputs, columns, outputs, tables, stride, start, end); break;
            case 4: Loop<Rows4>(inputs, columns, outputs, tables, stride, start, end); break;
            case 5: Loop<Rows5>(inputs, columns, outputs, tables, stride, start, end); break;
            case 6: Loop<Rows6>(inputs, columns, outputs, tables, stride, start, end); break;
            case 7: Loop<Rows7>(inputs, columns, outputs, tables, stride, start, end); break;
            default: Loop<Rows8>(inputs, columns, outputs, tables, stride, start, end); break;
        }
    }

    // Covers [start, end) in whole vectors; a ragged end is finished by one more vector ending exactly at end, which
    // recomputes a few bytes already written with the same values (end >= Width always holds here).
    private static void Loop<TRows>(byte** inputs, int columns, byte** outputs, byte* tables, nint stride, nint start, nint end)
        where TRows : struct, IRowCount
    {
        nint width = TOps.Width;
        var i = start;
        for (; i <= end - width; i += width)
        {
            Step<TRows>(inputs, columns, outputs, tables, stride, i);
        }

        if (i < end)
        {
            Step<TRows>(inputs, columns, outputs, tables, stride, end - width);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step<TRows>(byte** inputs, int columns, byte** outputs, byte* tables, nint stride, nint offset)
        where TRows : struct, IRowCount
    {
        var n = TRows.Value;
        var tb = TOps.TableBytes;
        var x = TOps.Load(inputs[0] + offset);
        var a0 = TOps.Multiply(x, tables);
        var a1 = n > 1 ? TOps.Multiply(x, tables + tb) : default;
        var a2 = n > 2 ? TOps.Multiply(x, tables + (2 * tb)) : default;
        var a3 = n > 3 ? TOps.Multiply(x, tables + (3 * tb)) : default;
        var a4 = n > 4 ? TOps.Multiply(x, tables + (4 * tb)) : default;
        var a5 = n > 5 ? TOps.Multiply(x, tables + (5 * tb)) : default;
        var a6 = n > 6 ? TOps.Multiply(x, tables + (6 * tb)) : default;
        var a7 = n > 7 ? TOps.Multiply(x, tables + (7 * tb)) : default;
        for (var j = 1; j < columns; j++)
        {
            var t = tables + (j * stride);
            x = TOps.Load(inputs[j] + offset);
            a0 = TOps.Xor(a0, TOps.Multiply(x, t));
            if (n > 1)
            {
                a1 = TOps.Xor(a1, TOps.Multiply(x, t + tb));
            }

            if (n > 2)
            {
                a2 = TOps.Xor(a2, TOps.Multiply(x, t + (2 * tb)));
            }

            if (n > 3)
            {
                a3 = TOps.Xor(a3, TOps.Multiply(x, t + (3 * tb)));
            }

            if (n > 4)
            {
                a4 = TOps.Xor(a4, TOps.Multiply(x, t + (4 * tb)));
            }

            if (n > 5)
            {
                a5 = TOps.Xor(a5, TOps.Multiply(x, t + (5 * tb)));
            }

            if (n > 6)
            {
                a6 = TOps.Xor(a6, TOps.Multiply(x, t + (6 * tb)));
            }

            if (n > 7)
            {
                a7 = TOps.Xor(a7, TOps.Multiply(x, t + (7 * tb)));
            }
        }

        TOps.Store(outputs[0] + offset, a0);
        if (n > 1)
        {
            TOps.Store(outputs[1] + offset, a1);
        }

        if (n > 2)
        {
            TOps.Store(outputs[2] + offset, a2);
        }

        if (n > 3)
        {
            TOps.Store(outputs[3] + offset, a3);
        }

        if (n > 4)
        {
            TOps.Store(outputs[4] + offset, a4);
        }

        if (n > 5)
        {
            TOps.Store(outputs[5] + offset, a5);
        }

        if (n > 6)
        {
            TOps.Store(outputs[6] + offset, a6);
        }

        if (n > 7)
        {
            TOps.Store(outputs[7] + offset, a7);
        }
    }
}

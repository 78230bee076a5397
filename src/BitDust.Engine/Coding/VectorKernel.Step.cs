using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace BitDust.Engine.Coding;

internal sealed unsafe partial class VectorKernel<TOps, TVector, TInput>
{
    // How far ahead of its loads a large pass prefetches each input: the hardware prefetchers alone fall behind once
    // many inputs stream at once (with it, 10+4 and 13+13 coded 25 to 80% faster in our runs; farther was no better).
    private const int PrefetchDistance = 256;

    // One vector of every output row in the group: TRows is a constant here, so the JIT drops the unused
    // accumulators and their branches and keeps the rest in registers. The coefficient tables are read from L1.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step<TRows, TPass>(
        byte** inputs, int columns, byte** outputs, byte* tables, nint stride, nint offset, bool lastVector)
        where TRows : struct, IRowCount
        where TPass : struct, IPassMode
    {
        // The ragged last vector is unaligned, so it always takes ordinary stores.
        var streaming = TPass.NonTemporal && !lastVector;
        var n = TRows.Value;
        var tb = TOps.TableBytes;
        if (TPass.Prefetch)
        {
            Sse.Prefetch0(inputs[0] + offset + PrefetchDistance);
        }

        var x = TOps.Load(inputs[0] + offset);
        var a0 = TOps.Multiply(x, tables);
        var a1 = n > 1 ? TOps.Multiply(x, tables + (1 * tb)) : default;
        var a2 = n > 2 ? TOps.Multiply(x, tables + (2 * tb)) : default;
        var a3 = n > 3 ? TOps.Multiply(x, tables + (3 * tb)) : default;
        var a4 = n > 4 ? TOps.Multiply(x, tables + (4 * tb)) : default;
        var a5 = n > 5 ? TOps.Multiply(x, tables + (5 * tb)) : default;
        var a6 = n > 6 ? TOps.Multiply(x, tables + (6 * tb)) : default;
        var a7 = n > 7 ? TOps.Multiply(x, tables + (7 * tb)) : default;
        var a8 = n > 8 ? TOps.Multiply(x, tables + (8 * tb)) : default;
        var a9 = n > 9 ? TOps.Multiply(x, tables + (9 * tb)) : default;
        var a10 = n > 10 ? TOps.Multiply(x, tables + (10 * tb)) : default;
        var a11 = n > 11 ? TOps.Multiply(x, tables + (11 * tb)) : default;
        var a12 = n > 12 ? TOps.Multiply(x, tables + (12 * tb)) : default;
        var a13 = n > 13 ? TOps.Multiply(x, tables + (13 * tb)) : default;
        var a14 = n > 14 ? TOps.Multiply(x, tables + (14 * tb)) : default;
        var a15 = n > 15 ? TOps.Multiply(x, tables + (15 * tb)) : default;
        for (var j = 1; j < columns; j++)
        {
            var t = tables + (j * stride);
            if (TPass.Prefetch)
            {
                Sse.Prefetch0(inputs[j] + offset + PrefetchDistance);
            }

            x = TOps.Load(inputs[j] + offset);
            a0 = TOps.Xor(a0, TOps.Multiply(x, t));
            if (n > 1) a1 = TOps.Xor(a1, TOps.Multiply(x, t + (1 * tb)));
            if (n > 2) a2 = TOps.Xor(a2, TOps.Multiply(x, t + (2 * tb)));
            if (n > 3) a3 = TOps.Xor(a3, TOps.Multiply(x, t + (3 * tb)));
            if (n > 4) a4 = TOps.Xor(a4, TOps.Multiply(x, t + (4 * tb)));
            if (n > 5) a5 = TOps.Xor(a5, TOps.Multiply(x, t + (5 * tb)));
            if (n > 6) a6 = TOps.Xor(a6, TOps.Multiply(x, t + (6 * tb)));
            if (n > 7) a7 = TOps.Xor(a7, TOps.Multiply(x, t + (7 * tb)));
            if (n > 8) a8 = TOps.Xor(a8, TOps.Multiply(x, t + (8 * tb)));
            if (n > 9) a9 = TOps.Xor(a9, TOps.Multiply(x, t + (9 * tb)));
            if (n > 10) a10 = TOps.Xor(a10, TOps.Multiply(x, t + (10 * tb)));
            if (n > 11) a11 = TOps.Xor(a11, TOps.Multiply(x, t + (11 * tb)));
            if (n > 12) a12 = TOps.Xor(a12, TOps.Multiply(x, t + (12 * tb)));
            if (n > 13) a13 = TOps.Xor(a13, TOps.Multiply(x, t + (13 * tb)));
            if (n > 14) a14 = TOps.Xor(a14, TOps.Multiply(x, t + (14 * tb)));
            if (n > 15) a15 = TOps.Xor(a15, TOps.Multiply(x, t + (15 * tb)));
        }

        Store(outputs[0] + offset, a0, streaming);
        if (n > 1) Store(outputs[1] + offset, a1, streaming);
        if (n > 2) Store(outputs[2] + offset, a2, streaming);
        if (n > 3) Store(outputs[3] + offset, a3, streaming);
        if (n > 4) Store(outputs[4] + offset, a4, streaming);
        if (n > 5) Store(outputs[5] + offset, a5, streaming);
        if (n > 6) Store(outputs[6] + offset, a6, streaming);
        if (n > 7) Store(outputs[7] + offset, a7, streaming);
        if (n > 8) Store(outputs[8] + offset, a8, streaming);
        if (n > 9) Store(outputs[9] + offset, a9, streaming);
        if (n > 10) Store(outputs[10] + offset, a10, streaming);
        if (n > 11) Store(outputs[11] + offset, a11, streaming);
        if (n > 12) Store(outputs[12] + offset, a12, streaming);
        if (n > 13) Store(outputs[13] + offset, a13, streaming);
        if (n > 14) Store(outputs[14] + offset, a14, streaming);
        if (n > 15) Store(outputs[15] + offset, a15, streaming);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(byte* destination, TVector value, bool streaming)
    {
        // Streaming stores skip reading each output line in before overwriting it all: a third less memory traffic.
        if (streaming)
        {
            TOps.StoreNonTemporal(destination, value);
        }
        else
        {
            TOps.Store(destination, value);
        }
    }
}

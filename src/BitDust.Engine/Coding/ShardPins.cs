namespace BitDust.Engine.Coding;

/// <summary>Pins the fragments a kernel reads and writes, then runs it over raw pointers.</summary>
internal static unsafe class ShardPins
{
    /// <summary>Throws unless every fragment named in <paramref name="order"/> holds at least <paramref name="length"/> bytes.</summary>
    public static void CheckLengths(ReadOnlySpan<Memory<byte>> shards, ReadOnlySpan<int> order, int length)
    {
        foreach (var index in order)
        {
            if (shards[index].Length < length)
            {
                throw new ArgumentException(
                    $"Fragment {index} holds {shards[index].Length} bytes but {length} are being coded.", nameof(shards));
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="matrix"/> with inputs shards[order[0..Columns)] and outputs shards[order[Columns..)].
    /// </summary>
    public static void Run(CodingMatrix matrix, ReadOnlySpan<Memory<byte>> shards, ReadOnlySpan<int> order, int length)
    {
        var pointers = stackalloc byte*[order.Length];
        PinFrom(0, matrix, shards, order, pointers, length);
    }

    // One nested fixed statement per fragment pins it for the whole call at no cost. Memory.Pin would take a GCHandle
    // per array (about 20 ns each): 3 to 8% of the coding time of a 64 KiB block split 13+13.
    private static void PinFrom(
        int next, CodingMatrix matrix, ReadOnlySpan<Memory<byte>> shards, ReadOnlySpan<int> order, byte** pointers, int length)
    {
        if (next == order.Length)
        {
            matrix.Kernel.Run(matrix, pointers, pointers + matrix.Columns, length);
            return;
        }

        fixed (byte* pointer = shards[order[next]].Span)
        {
            pointers[next] = pointer;
            PinFrom(next + 1, matrix, shards, order, pointers, length);
        }
    }
}

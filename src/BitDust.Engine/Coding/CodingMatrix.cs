using System.Runtime.InteropServices;

namespace BitDust.Engine.Coding;

/// <summary>
/// A coefficient matrix laid out for one <see cref="GfKernel"/>: each coefficient expanded once into the kernel's
/// table (a broadcast vector or nibble product tables) so the hot loop only loads them.
/// </summary>
internal sealed unsafe class CodingMatrix
{
    // Kept referenced so the pinned (never moved) storage behind Tables lives as long as this matrix.
    private readonly byte[] _storage;

    public CodingMatrix(GfKernel kernel, ReadOnlySpan<byte> coefficients, int rows, int columns)
    {
        Kernel = kernel;
        Rows = rows;
        Columns = columns;
        Coefficients = coefficients.ToArray();
        var tableBytes = kernel.TableBytes;

        // Tables are 64-byte aligned so a 512-bit table load never splits a cache line.
        _storage = GC.AllocateUninitializedArray<byte>((rows * columns * tableBytes) + 63, pinned: true);
        var start = (nint)Marshal.UnsafeAddrOfPinnedArrayElement(_storage, 0);
        Tables = (byte*)((start + 63) & ~(nint)63);

        // Input-major order: the kernel walks inputs in its inner loop and reads one group's rows for each input.
        for (var j = 0; j < columns; j++)
        {
            for (var r = 0; r < rows; r++)
            {
                kernel.WriteTable(Coefficients[(r * columns) + j], Tables + (((j * rows) + r) * tableBytes));
            }
        }
    }

    public GfKernel Kernel { get; }

    public int Rows { get; }

    public int Columns { get; }

    /// <summary>Row-major: output r is the sum over input j of Coefficients[r * Columns + j] times input j.</summary>
    public byte[] Coefficients { get; }

    /// <summary>The table of coefficient (r, j) is at Tables + (j * Rows + r) * Kernel.TableBytes.</summary>
    public byte* Tables { get; }
}

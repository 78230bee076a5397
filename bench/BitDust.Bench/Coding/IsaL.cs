using System.Runtime.InteropServices;

namespace BitDust.Bench.Coding;

/// <summary>
/// Intel ISA-L's erasure coder, loaded from Debian's libisal.so.2 at run time so the benchmark still runs without it.
/// Its field is 0x11D, not ours, so its fragments differ from ours; only speeds are compared.
/// </summary>
internal sealed unsafe class IsaL
{
    public const string LibraryName = "libisal.so.2";

    private readonly delegate* unmanaged<byte*, int, int, void> _genCauchyMatrix;
    private readonly delegate* unmanaged<int, int, byte*, byte*, void> _initTables;
    private readonly delegate* unmanaged<int, int, int, byte*, byte**, byte**, void> _encodeData;
    private readonly delegate* unmanaged<byte*, byte*, int, int> _invertMatrix;
    private readonly delegate* unmanaged<byte, byte, byte> _mul;

    private IsaL(nint library)
    {
        _genCauchyMatrix = (delegate* unmanaged<byte*, int, int, void>)NativeLibrary.GetExport(library, "gf_gen_cauchy1_matrix");
        _initTables = (delegate* unmanaged<int, int, byte*, byte*, void>)NativeLibrary.GetExport(library, "ec_init_tables");
        _encodeData = (delegate* unmanaged<int, int, int, byte*, byte**, byte**, void>)NativeLibrary.GetExport(library, "ec_encode_data");
        _invertMatrix = (delegate* unmanaged<byte*, byte*, int, int>)NativeLibrary.GetExport(library, "gf_invert_matrix");
        _mul = (delegate* unmanaged<byte, byte, byte>)NativeLibrary.GetExport(library, "gf_mul");
    }

    public static IsaL? TryLoad() => NativeLibrary.TryLoad(LibraryName, out var library) ? new IsaL(library) : null;

    /// <summary>ec_init_tables for the parity rows of ISA-L's Cauchy code: m rows of 32 * k bytes.</summary>
    public byte[] EncodeTables(int k, int m)
    {
        var matrix = CauchyMatrix(k, m);
        return InitTables(k, m, matrix.AsSpan(k * k));
    }

    /// <summary>
    /// Tables that rebuild fragments [0, lost) from fragments [lost, lost + k), as ISA-L's own erasure example does:
    /// invert the survivors' rows, take the inverse's rows for lost data and encode row times inverse for lost parity.
    /// </summary>
    public byte[] DecodeTables(int k, int m, int lost)
    {
        var matrix = CauchyMatrix(k, m);
        var survivors = matrix.AsSpan(lost * k, k * k).ToArray();
        var inverse = new byte[k * k];
        fixed (byte* input = survivors, output = inverse)
        {
            if (_invertMatrix(input, output, k) != 0)
            {
                throw new InvalidOperationException($"ISA-L found the survivor matrix of {k}+{m} singular.");
            }
        }

        var rows = new byte[lost * k];
        for (var e = 0; e < lost; e++)
        {
            for (var i = 0; i < k; i++)
            {
                if (e < k)
                {
                    rows[(e * k) + i] = inverse[(e * k) + i];
                }
                else
                {
                    byte sum = 0;
                    for (var j = 0; j < k; j++)
                    {
                        sum ^= _mul(inverse[(j * k) + i], matrix[(e * k) + j]);
                    }

                    rows[(e * k) + i] = sum;
                }
            }
        }

        return InitTables(k, lost, rows);
    }

    public void Run(int length, int k, int rows, byte[] tables, byte** inputs, byte** outputs)
    {
        fixed (byte* t = tables)
        {
            _encodeData(length, k, rows, t, inputs, outputs);
        }
    }

    private byte[] CauchyMatrix(int k, int m)
    {
        var matrix = new byte[(k + m) * k];
        fixed (byte* a = matrix)
        {
            _genCauchyMatrix(a, k + m, k);
        }

        return matrix;
    }

    private byte[] InitTables(int k, int rows, ReadOnlySpan<byte> matrix)
    {
        var tables = new byte[32 * k * rows];
        fixed (byte* a = matrix, t = tables)
        {
            _initTables(k, rows, a, t);
        }

        return tables;
    }
}

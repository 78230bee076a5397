namespace BitDust.Engine.Coding;

/// <summary>Arithmetic in GF(2^8), the field every Reed-Solomon coefficient and fragment byte lives in.</summary>
public static class GaloisField
{
    /// <summary>
    /// x^8+x^4+x^3+x+1, the AES polynomial. GF2P8MULB multiplies in exactly this field, so the GFNI kernels take a
    /// broadcast coefficient as is instead of an 8x8 affine matrix per coefficient.
    /// </summary>
    public const int Polynomial = 0x11B;

    /// <summary>3 generates the multiplicative group under 0x11B (2 does not: its order is only 51).</summary>
    public const byte Generator = 3;

    // Exponents are stored twice over so Mul can index Log(a)+Log(b) without reducing mod 255.
    private static readonly byte[] Exps = BuildExps();
    private static readonly byte[] Logs = BuildLogs();
    private static readonly byte[] Products = BuildProducts();

    /// <summary>Adds (and subtracts: they are the same in characteristic 2).</summary>
    public static byte Add(byte a, byte b) => (byte)(a ^ b);

    public static byte Mul(byte a, byte b) => Products[(a << 8) | b];

    /// <exception cref="DivideByZeroException"><paramref name="b"/> is zero.</exception>
    public static byte Div(byte a, byte b)
    {
        if (b == 0)
        {
            throw new DivideByZeroException("Division by zero in GF(2^8).");
        }

        return a == 0 ? (byte)0 : Exps[Logs[a] + 255 - Logs[b]];
    }

    /// <exception cref="DivideByZeroException"><paramref name="a"/> is zero, which has no inverse.</exception>
    public static byte Inverse(byte a) => Div(1, a);

    /// <summary>Generator raised to <paramref name="power"/> (any non-negative power; the group has order 255).</summary>
    public static byte Exp(int power)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(power);
        return Exps[power % 255];
    }

    /// <summary>The discrete logarithm to base <see cref="Generator"/>, in [0, 255).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="a"/> is zero, which has no logarithm.</exception>
    public static int Log(byte a)
    {
        if (a == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(a), a, "Zero has no logarithm in GF(2^8).");
        }

        return Logs[a];
    }

    /// <summary>The 256 products <c>coefficient * x</c> for every byte x: one row of the 64 KiB table.</summary>
    internal static ReadOnlySpan<byte> MulRow(byte coefficient) => Products.AsSpan(coefficient << 8, 256);

    private static byte[] BuildExps()
    {
        var exps = new byte[510];
        var x = 1;
        for (var i = 0; i < 255; i++)
        {
            exps[i] = exps[i + 255] = (byte)x;
            x = MulSlow(x, Generator);
        }

        return exps;
    }

    private static byte[] BuildLogs()
    {
        var logs = new byte[256];
        for (var i = 0; i < 255; i++)
        {
            logs[Exps[i]] = (byte)i;
        }

        return logs;
    }

    private static byte[] BuildProducts()
    {
        var products = new byte[256 * 256];
        for (var a = 1; a < 256; a++)
        {
            for (var b = 1; b < 256; b++)
            {
                products[(a << 8) | b] = Exps[Logs[a] + Logs[b]];
            }
        }

        return products;
    }

    // Shift-and-add multiplication: only used to bootstrap the tables, so the tables can be checked against it.
    internal static int MulSlow(int a, int b)
    {
        var product = 0;
        while (b != 0)
        {
            if ((b & 1) != 0)
            {
                product ^= a;
            }

            a <<= 1;
            if ((a & 0x100) != 0)
            {
                a ^= Polynomial;
            }

            b >>= 1;
        }

        return product;
    }
}

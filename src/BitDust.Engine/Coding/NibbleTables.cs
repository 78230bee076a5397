namespace BitDust.Engine.Coding;

/// <summary>The PSHUFB form of a coefficient: its products with every low nibble, then with every high nibble.</summary>
internal static unsafe class NibbleTables
{
    /// <summary>Writes two tables of <paramref name="width"/> bytes each, the 16 products repeated in every 128-bit lane.</summary>
    public static void Write(byte coefficient, byte* table, int width)
    {
        var products = GaloisField.MulRow(coefficient);
        for (var i = 0; i < width; i++)
        {
            table[i] = products[i & 15];
            table[width + i] = products[(i & 15) << 4];
        }
    }
}

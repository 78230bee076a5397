using FsCheck;
using FsCheck.Fluent;

namespace BitDust.Engine.Tests.Crypto;

/// <summary>Generators and byte helpers shared by the crypto tests.</summary>
internal static class TestData
{
    /// <summary>Byte arrays of 0..<paramref name="maxLength"/> bytes, filled from a seed so large ones stay cheap to generate.</summary>
    public static Arbitrary<byte[]> Bytes(int maxLength) => BytesGen(0, maxLength).ToArbitrary();

    public static Gen<byte[]> BytesGen(int minLength, int maxLength) =>
        from length in Gen.Choose(minLength, maxLength)
        from seed in Gen.Choose(0, int.MaxValue)
        select Filled(length, seed);

    public static byte[] Filled(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static byte[] FlipBit(ReadOnlySpan<byte> data, int bit)
    {
        var copy = data.ToArray();
        copy[bit / 8] ^= (byte)(1 << (bit % 8));
        return copy;
    }

    /// <summary>Truncations and extensions of <paramref name="valid"/>: a prefix of it, then 0..<paramref name="maxExtra"/> random bytes.</summary>
    public static Arbitrary<byte[]> Mangled(byte[] valid, int maxExtra) =>
        (from keep in Gen.Choose(0, valid.Length)
         from extra in BytesGen(0, maxExtra)
         where keep != valid.Length || extra.Length != 0
         select valid.AsSpan(0, keep).ToArray().Concat(extra).ToArray()).ToArbitrary();
}

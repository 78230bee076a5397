using BitDust.Engine.Coding;
using FsCheck;
using FsCheck.Fluent;

namespace BitDust.Engine.Tests.Coding;

/// <summary>Generators shared by the coding properties.</summary>
internal static class CodingGen
{
    /// <summary>Every vector kernel this CPU runs: each is checked against Scalar, the reference.</summary>
    public static readonly GfKernel[] VectorKernels = GfKernel.Supported.Where(k => k.Kind != GfKernelKind.Scalar).ToArray();

    /// <summary>Fragment lengths around every vector width, 0, and random ones up to a few vectors of each.</summary>
    public static Gen<int> Length { get; } = Gen.OneOf(
        Gen.Elements(0, 1, 2, 31, 32, 33, 63, 64, 65, 95, 127, 128, 129, 191, 255, 256, 257, 1000, 4095, 4097),
        Gen.Choose(0, 600),
        Gen.Choose(600, 5000));

    /// <summary>Offsets into a larger array, so fragments start at every alignment.</summary>
    public static Gen<int> Offset { get; } = Gen.OneOf(Gen.Constant(0), Gen.Choose(0, 130));

    /// <summary>Schemes the spec allows: k in 1..32, m in 0..32, now and then the wide 100+100 one, and the presets.</summary>
    public static Gen<ErasureScheme> Scheme { get; } = Gen.Frequency(
        (8, Gen.Zip(Gen.Choose(1, 32), Gen.Choose(0, 32), (k, m) => new ErasureScheme(k, m))),
        (3, Gen.Elements(ErasureScheme.SupplierCounts.ToArray()).Select(ErasureScheme.ForSuppliers)),
        (1, Gen.Elements(new ErasureScheme(100, 100), new ErasureScheme(128, 128), new ErasureScheme(255, 1))));

    public static Gen<int> Seed { get; } = Gen.Choose(0, int.MaxValue);

    public static Gen<GfKernel> Kernel { get; } = Gen.Elements(GfKernel.Supported.ToArray());

    /// <summary>A fresh array of <paramref name="length"/> random bytes.</summary>
    public static byte[] Bytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}

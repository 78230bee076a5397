namespace BitDust.Engine.Coding;

/// <summary>The instruction set a <see cref="GfKernel"/> multiplies with.</summary>
public enum GfKernelKind
{
    /// <summary>A 64 KiB product table, one byte at a time: the reference every other kernel is tested against.</summary>
    Scalar,

    /// <summary>256-bit PSHUFB on 16-entry low and high nibble product tables.</summary>
    Avx2,

    /// <summary>512-bit PSHUFB (AVX-512BW) on 16-entry low and high nibble product tables.</summary>
    Avx512,

    /// <summary>256-bit GF2P8MULB with a broadcast coefficient.</summary>
    Gfni256,

    /// <summary>512-bit GF2P8MULB with a broadcast coefficient.</summary>
    Gfni512,
}

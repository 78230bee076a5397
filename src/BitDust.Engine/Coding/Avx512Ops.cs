using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace BitDust.Engine.Coding;

/// <summary>
/// 512-bit PSHUFB (AVX-512BW): c * x = c * low(x) ^ c * (high(x) &lt;&lt; 4), each looked up in a 16-entry table, repeated in
/// all four 128-bit lanes because PSHUFB indexes within a lane.
/// </summary>
internal readonly unsafe struct Avx512Ops : IGfVectorOps<Vector512<byte>, NibblePair<Vector512<byte>>>
{
    public static GfKernelKind Kind => GfKernelKind.Avx512;

    public static bool IsSupported => Avx512BW.IsSupported;

    public static int Width => 64;

    public static int MaxRows => 16;

    public static int TableBytes => 128;

    public static void WriteTable(byte coefficient, byte* table) => NibbleTables.Write(coefficient, table, 64);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static NibblePair<Vector512<byte>> Load(byte* source)
    {
        var input = Vector512.Load(source);
        var mask = Vector512.Create((byte)0x0F);
        return new(input & mask, Vector512.ShiftRightLogical(input.AsUInt16(), 4).AsByte() & mask);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<byte> Multiply(NibblePair<Vector512<byte>> input, byte* table) =>
        Avx512BW.Shuffle(Vector512.LoadAligned(table), input.Low) ^ Avx512BW.Shuffle(Vector512.LoadAligned(table + 64), input.High);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<byte> Xor(Vector512<byte> left, Vector512<byte> right) => left ^ right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(byte* destination, Vector512<byte> value) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNonTemporal(byte* destination, Vector512<byte> value) => value.StoreAlignedNonTemporal(destination);
}

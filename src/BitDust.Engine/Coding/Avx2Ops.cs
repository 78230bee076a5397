using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace BitDust.Engine.Coding;

/// <summary>
/// 256-bit PSHUFB: c * x = c * low(x) ^ c * (high(x) &lt;&lt; 4), each looked up in a 16-entry table, repeated in
/// both 128-bit lanes because PSHUFB indexes within a lane.
/// </summary>
internal readonly unsafe struct Avx2Ops : IGfVectorOps<Vector256<byte>, NibblePair<Vector256<byte>>>
{
    public static GfKernelKind Kind => GfKernelKind.Avx2;

    public static bool IsSupported => Avx2.IsSupported;

    public static int Width => 32;

    public static int MaxRows => 8;

    public static int TableBytes => 64;

    public static void WriteTable(byte coefficient, byte* table) => NibbleTables.Write(coefficient, table, 32);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static NibblePair<Vector256<byte>> Load(byte* source)
    {
        var input = Vector256.Load(source);
        var mask = Vector256.Create((byte)0x0F);
        return new(input & mask, Vector256.ShiftRightLogical(input.AsUInt16(), 4).AsByte() & mask);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> Multiply(NibblePair<Vector256<byte>> input, byte* table) =>
        Avx2.Shuffle(Vector256.LoadAligned(table), input.Low) ^ Avx2.Shuffle(Vector256.LoadAligned(table + 32), input.High);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> Xor(Vector256<byte> left, Vector256<byte> right) => left ^ right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(byte* destination, Vector256<byte> value) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNonTemporal(byte* destination, Vector256<byte> value) => value.StoreAlignedNonTemporal(destination);
}

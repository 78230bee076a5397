using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace BitDust.Engine.Coding;

/// <summary>256-bit GF2P8MULB against a 32-byte broadcast of each coefficient.</summary>
internal readonly unsafe struct Gfni256Ops : IGfVectorOps<Vector256<byte>, Vector256<byte>>
{
    public static GfKernelKind Kind => GfKernelKind.Gfni256;

    public static bool IsSupported => Gfni.V256.IsSupported;

    public static int Width => 32;

    public static int MaxRows => 8;

    public static int TableBytes => 32;

    public static void WriteTable(byte coefficient, byte* table) => Vector256.Create(coefficient).StoreAligned(table);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> Load(byte* source) => Vector256.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> Multiply(Vector256<byte> input, byte* table) =>
        Gfni.V256.GaloisFieldMultiply(input, Vector256.LoadAligned(table));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> Xor(Vector256<byte> left, Vector256<byte> right) => left ^ right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(byte* destination, Vector256<byte> value) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNonTemporal(byte* destination, Vector256<byte> value) => value.StoreAlignedNonTemporal(destination);
}

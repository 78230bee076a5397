using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace BitDust.Engine.Coding;

/// <summary>512-bit GF2P8MULB against a 64-byte broadcast of each coefficient.</summary>
internal readonly unsafe struct Gfni512Ops : IGfVectorOps<Vector512<byte>, Vector512<byte>>
{
    public static GfKernelKind Kind => GfKernelKind.Gfni512;

    public static bool IsSupported => Gfni.V512.IsSupported;

    public static int Width => 64;

    public static int MaxRows => 16;

    public static int TableBytes => 64;

    public static void WriteTable(byte coefficient, byte* table) => Vector512.Create(coefficient).StoreAligned(table);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<byte> Load(byte* source) => Vector512.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<byte> Multiply(Vector512<byte> input, byte* table) =>
        Gfni.V512.GaloisFieldMultiply(input, Vector512.LoadAligned(table));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<byte> Xor(Vector512<byte> left, Vector512<byte> right) => left ^ right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(byte* destination, Vector512<byte> value) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNonTemporal(byte* destination, Vector512<byte> value) => value.StoreAlignedNonTemporal(destination);
}

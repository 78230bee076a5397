namespace BitDust.Engine.Coding;

/// <summary>
/// The instructions one vector kernel is built from. Implemented by structs so <see cref="VectorKernel{TOps,TVector,TInput}"/>
/// is compiled once per instruction set with every call inlined.
/// </summary>
/// <typeparam name="TVector">A product or accumulator vector.</typeparam>
/// <typeparam name="TInput">A loaded input vector in the form <see cref="Multiply"/> wants (for PSHUFB: split into nibbles).</typeparam>
internal unsafe interface IGfVectorOps<TVector, TInput>
    where TVector : unmanaged
    where TInput : unmanaged
{
    static abstract GfKernelKind Kind { get; }

    static abstract bool IsSupported { get; }

    /// <summary>Bytes per vector.</summary>
    static abstract int Width { get; }

    /// <summary>Most output rows one pass keeps in registers, with room left for the input and products.</summary>
    static abstract int MaxRows { get; }

    /// <summary>Bytes of table per coefficient.</summary>
    static abstract int TableBytes { get; }

    static abstract void WriteTable(byte coefficient, byte* table);

    static abstract TInput Load(byte* source);

    static abstract TVector Multiply(TInput input, byte* table);

    static abstract TVector Xor(TVector left, TVector right);

    static abstract void Store(byte* destination, TVector value);

    /// <summary>A non-temporal store; <paramref name="destination"/> must be Width-aligned.</summary>
    static abstract void StoreNonTemporal(byte* destination, TVector value);
}

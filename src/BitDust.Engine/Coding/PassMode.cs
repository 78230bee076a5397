namespace BitDust.Engine.Coding;

/// <summary>How a kernel pass treats memory; a struct type argument so the choice costs nothing per vector.</summary>
internal interface IPassMode
{
    /// <summary>Prefetch each input a few lines ahead: the inputs stream from memory.</summary>
    static abstract bool Prefetch { get; }

    /// <summary>Write whole output vectors with aligned non-temporal stores that bypass the caches.</summary>
    static abstract bool NonTemporal { get; }
}

/// <summary>Ordinary loads and stores, for data that is in cache or should stay there.</summary>
internal readonly struct CachedPass : IPassMode
{
    public static bool Prefetch => false;

    public static bool NonTemporal => false;
}

/// <summary>Inputs stream in, outputs stream out.</summary>
internal readonly struct StreamingPass : IPassMode
{
    public static bool Prefetch => true;

    public static bool NonTemporal => true;
}

/// <summary>Inputs stream in, outputs take ordinary stores (they are not aligned alike).</summary>
internal readonly struct PrefetchedPass : IPassMode
{
    public static bool Prefetch => true;

    public static bool NonTemporal => false;
}

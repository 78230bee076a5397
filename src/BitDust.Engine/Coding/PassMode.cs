namespace BitDust.Engine.Coding;

/// <summary>How a kernel pass treats memory; a struct type argument so the choice costs nothing per vector.</summary>
internal interface IPassMode
{
    /// <summary>
    /// True: prefetch inputs a few lines ahead and write whole output vectors with aligned non-temporal stores,
    /// for passes too large to stay in cache. False: ordinary loads and stores, for data that is or stays cached.
    /// </summary>
    static abstract bool Streaming { get; }
}

internal readonly struct CachedPass : IPassMode
{
    public static bool Streaming => false;
}

internal readonly struct StreamingPass : IPassMode
{
    public static bool Streaming => true;
}

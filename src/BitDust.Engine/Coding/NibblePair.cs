namespace BitDust.Engine.Coding;

/// <summary>An input vector split into its low and high nibbles, the indexes PSHUFB looks the product tables up with.</summary>
internal readonly record struct NibblePair<TVector>(TVector Low, TVector High)
    where TVector : unmanaged;

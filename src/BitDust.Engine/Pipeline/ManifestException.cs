namespace BitDust.Engine.Pipeline;

/// <summary>A manifest that cannot be used: malformed, truncated, oversized or not signed by its owner.</summary>
public sealed class ManifestException(string message) : Exception(message);

namespace BitDust.Engine.Storage;

/// <summary>A stub that cannot be used: damaged, truncated, oversized, foreign or re-signed.</summary>
public sealed class StubException(string message) : Exception(message);

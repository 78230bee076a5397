namespace BitDust.Engine.Network.Transport;

/// <summary>The peer received a request but answered it with an error (no handler, handler failure, busy, a refusal).</summary>
public sealed class PeerRequestException(string message, string reason) : Exception(message)
{
    public PeerRequestException(string message)
        : this(message, message)
    {
    }

    /// <summary>The peer's own words, as it sent them.</summary>
    public string Reason { get; } = reason;
}

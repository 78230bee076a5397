namespace BitDust.Engine.Network.Relay;

/// <summary>A router answered a preamble with something other than OK; the socket is closed.</summary>
public sealed class RelayRefusedException(string message, string router, RelayStatus status, string reason) : IOException(message)
{
    /// <summary>The router's name, as the relay contact gives it.</summary>
    public string Router { get; } = router;

    public RelayStatus Status { get; } = status;

    /// <summary>The router's own words.</summary>
    public string Reason { get; } = reason;
}

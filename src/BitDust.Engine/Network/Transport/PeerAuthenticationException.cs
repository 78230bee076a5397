namespace BitDust.Engine.Network.Transport;

/// <summary>A peer was refused: its key is not the one its identity document names, or it refused ours.</summary>
public sealed class PeerAuthenticationException(string message) : IOException(message);

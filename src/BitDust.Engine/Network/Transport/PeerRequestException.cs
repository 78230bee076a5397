namespace BitDust.Engine.Network.Transport;

/// <summary>The peer received a request but answered it with an error (no handler, handler failure, busy).</summary>
public sealed class PeerRequestException(string message) : Exception(message);

namespace BitDust.Engine.Network.Transport;

/// <summary>The peer sent something the wire protocol does not allow; the connection is closed.</summary>
public sealed class TransportProtocolException(string message) : IOException(message);

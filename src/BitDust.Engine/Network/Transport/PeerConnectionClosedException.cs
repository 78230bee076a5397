namespace BitDust.Engine.Network.Transport;

/// <summary>The connection a request or stream was using closed before it finished.</summary>
public sealed class PeerConnectionClosedException(string message, Exception? innerException = null)
    : IOException(message, innerException);

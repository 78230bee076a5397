namespace BitDust.Engine.Network.Transport;

/// <summary>The second byte of a frame header: what the frame carries.</summary>
internal enum FrameType : byte
{
    /// <summary>Dialer → acceptor, first frame after TLS: the dialer's identity name (UTF-8).</summary>
    Hello = 1,

    /// <summary>Acceptor → dialer: the dialer's key matched its identity document; carries the acceptor's identity name.</summary>
    HelloAck = 2,

    /// <summary>A request: a message kind, then the request body. Id: the requester's request id.</summary>
    Request = 3,

    /// <summary>The answer to the request with the same id.</summary>
    Response = 4,

    /// <summary>The request with the same id failed on the peer; carries a UTF-8 reason.</summary>
    RequestError = 5,

    /// <summary>Opens a stream: a message kind, then the stream header. Id: the stream id.</summary>
    StreamOpen = 6,

    /// <summary>Stream bytes; each one spends the sender's credit for the stream.</summary>
    StreamData = 7,

    /// <summary>The sender finished the stream cleanly.</summary>
    StreamEnd = 8,

    /// <summary>Either side abandons the stream; carries a UTF-8 reason.</summary>
    StreamReset = 9,

    /// <summary>Receiver → sender: a 32-bit count of further stream bytes the receiver will buffer.</summary>
    StreamCredit = 10,

    /// <summary>Keep-alive probe with 8 opaque bytes, answered by a <see cref="Pong"/> echoing them.</summary>
    Ping = 11,
    Pong = 12,
}

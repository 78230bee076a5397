using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace BitDust.Engine.Network.Transport;

/// <summary>Answers a request; the returned bytes (at most <see cref="FrameHeader.MaxPayload"/>) are the response.</summary>
public delegate ValueTask<byte[]> RequestHandler(IncomingRequest request, CancellationToken cancellationToken);

/// <summary>Consumes a stream a peer opened; the stream is reset if the handler returns before reading its end.</summary>
public delegate ValueTask StreamHandler(PeerStreamReader stream, CancellationToken cancellationToken);

/// <summary>A request as its handler sees it.</summary>
public readonly record struct IncomingRequest(PeerConnection Connection, string Kind, ReadOnlyMemory<byte> Payload)
{
    /// <summary>The authenticated identity of the requester.</summary>
    public string Peer => Connection.PeerIdentity;
}

/// <summary>The request and stream handlers of a node, by message kind; shared by its listener and its connector.</summary>
public sealed class TransportHandlers
{
    private readonly ConcurrentDictionary<string, RequestHandler> _requests = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StreamHandler> _streams = new(StringComparer.Ordinal);

    public TransportHandlers MapRequest(string kind, RequestHandler handler)
    {
        MessageKind.Encode(kind);
        _requests[kind] = handler;
        return this;
    }

    /// <summary>Stops answering <paramref name="kind"/> (a service that stops); its requests then get "no handler".</summary>
    public TransportHandlers UnmapRequest(string kind)
    {
        _requests.TryRemove(kind, out _);
        return this;
    }

    public TransportHandlers MapStream(string kind, StreamHandler handler)
    {
        MessageKind.Encode(kind);
        _streams[kind] = handler;
        return this;
    }

    internal bool TryGetRequestHandler(string kind, [NotNullWhen(true)] out RequestHandler? handler) =>
        _requests.TryGetValue(kind, out handler);

    internal bool TryGetStreamHandler(string kind, [NotNullWhen(true)] out StreamHandler? handler) =>
        _streams.TryGetValue(kind, out handler);
}

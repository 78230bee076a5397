namespace BitDust.Engine.Network.Transport;

/// <summary>Timing and limits of connections; the wire limits both sides must share live in <see cref="FrameHeader"/>.</summary>
public sealed record TransportOptions
{
    public static TransportOptions Default { get; } = new();

    /// <summary>TCP connect, TLS and hello together.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan PingInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>A peer that sends nothing, not even a pong, for this long is dropped.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(45);

    /// <summary>
    /// Requests a peer may have running here at once; more are answered "busy" rather than queued. With frames of up to
    /// <see cref="FrameHeader.MaxPayload"/> this bounds what one peer makes this node hold to about 320 MiB.
    /// </summary>
    public int MaxIncomingRequests { get; init; } = 64;

    /// <summary>Streams a peer may have open towards this node at once; more are reset.</summary>
    public int MaxIncomingStreams { get; init; } = 64;

    /// <summary>Dials per <see cref="PeerConnector"/> call before the last failure is thrown.</summary>
    public int DialAttempts { get; init; } = 4;

    public TimeSpan ReconnectBaseDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Lifetime of the certificate made at start; peers pin the key, not the certificate, so it is only hygiene.</summary>
    public TimeSpan CertificateLifetime { get; init; } = TimeSpan.FromDays(7);
}

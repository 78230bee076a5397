using System.Net;

namespace BitDust.Engine.Identity;

/// <summary>The <c>services/identity-server/*</c> settings, plus the limits of this implementation.</summary>
public sealed record IdentityServerOptions
{
    /// <summary><c>services/identity-server/host</c>: the public name of the server, shown on its page and used in identity URLs.</summary>
    public required string Host { get; init; }

    /// <summary><c>services/identity-server/web-port</c>; 0 picks a free port (see <see cref="IdentityServer.WebPort"/>).</summary>
    public int WebPort { get; init; } = 8084;

    /// <summary><c>services/identity-server/tcp-port</c>; 0 picks a free port (see <see cref="IdentityServer.TcpPort"/>).</summary>
    public int TcpPort { get; init; } = 6661;

    /// <summary>Where to listen; by default <see cref="Host"/> when it is an IP address, else every interface.</summary>
    public IPAddress? BindAddress { get; init; }

    /// <summary>How often identities older than the store's max age are forgotten.</summary>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>A TCP publisher silent this long is disconnected, so idle sockets cannot pile up.</summary>
    public TimeSpan TcpIdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>TCP connections beyond this are closed at once.</summary>
    public int MaxTcpConnections { get; init; } = 256;

    internal IPAddress ResolveBindAddress() =>
        BindAddress ?? (IPAddress.TryParse(Host, out var address) ? address : IPAddress.IPv6Any);
}

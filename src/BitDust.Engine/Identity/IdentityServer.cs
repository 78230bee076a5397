using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BitDust.Engine.Identity;

/// <summary>
/// BitDust's identity server: serves stored identity documents over HTTP (<c>GET /name.xml</c>, <c>GET /name.json</c>, a listing
/// at <c>GET /</c>) and takes publications over HTTP (<c>POST /</c>) and framed TCP, all judged by the <see cref="IdentityStore"/>.
/// Documents carry their own signatures, so neither port needs TLS. Split by concern: <c>.Http.cs</c> and <c>.Tcp.cs</c>.
/// </summary>
public sealed partial class IdentityServer : IAsyncDisposable
{
    private readonly IdentityServerOptions _options;
    private readonly IdentityStore _store;
    private readonly ILogger _logger;
    private readonly WebApplication _web;
    private readonly TcpListener _tcp;
    private readonly CancellationTokenSource _stopping = new();
    private Task _acceptLoop = Task.CompletedTask;
    private Task _sweepLoop = Task.CompletedTask;

    private IdentityServer(IdentityServerOptions options, IdentityStore store, ILoggerFactory loggerFactory, WebApplication web, TcpListener tcp)
    {
        _options = options;
        _store = store;
        _logger = loggerFactory.CreateLogger<IdentityServer>();
        _web = web;
        _tcp = tcp;
    }

    /// <summary>The bound HTTP port (the configured one, or the one picked for port 0).</summary>
    public int WebPort { get; private set; }

    /// <summary>The bound TCP port (the configured one, or the one picked for port 0).</summary>
    public int TcpPort => ((IPEndPoint)_tcp.LocalEndpoint).Port;

    /// <summary>This server as a <c>known-servers</c> entry.</summary>
    public IdentityServerAddress Address => new(_options.Host, WebPort, TcpPort);

    /// <summary>Binds both ports and starts serving <paramref name="store"/>, which stays the caller's to dispose.</summary>
    public static async Task<IdentityServer> StartAsync(IdentityServerOptions options, IdentityStore store, ILoggerFactory? loggerFactory = null,
        TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.SweepInterval, TimeSpan.Zero);
        loggerFactory ??= NullLoggerFactory.Instance;
        var bindAddress = options.ResolveBindAddress();

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(bindAddress, options.WebPort);
            kestrel.Limits.MaxRequestBodySize = IdentityDocument.MaxSize * 4;
            kestrel.AddServerHeader = false;
        });
        var web = builder.Build();

        var tcp = new TcpListener(bindAddress, options.TcpPort);
        if (bindAddress.Equals(IPAddress.IPv6Any))
            tcp.Server.DualMode = true;
        var server = new IdentityServer(options, store, loggerFactory, web, tcp);
        server.MapEndpoints();
        try
        {
            await web.StartAsync(cancellationToken).ConfigureAwait(false);
            var bound = web.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            server.WebPort = new Uri(bound).Port;
            tcp.Start();
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        server._acceptLoop = server.AcceptLoopAsync(server._stopping.Token);
        server._sweepLoop = server.SweepLoopAsync(time ?? TimeProvider.System, server._stopping.Token);
        server._logger.ServerStarted(options.Host, server.WebPort, server.TcpPort);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
            return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        _tcp.Stop();
        await Task.WhenAll(_acceptLoop, _sweepLoop).ConfigureAwait(false);
        await WhenConnectionsClosed().ConfigureAwait(false);
        await _web.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _web.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task SweepLoopAsync(TimeProvider time, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.SweepInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await _store.SweepExpiredAsync(cancellationToken).ConfigureAwait(false);
                }
                // One failed sweep (a file locked, a disk hiccup) must not stop the server or the next sweep.
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    _logger.SweepFailed(e);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}

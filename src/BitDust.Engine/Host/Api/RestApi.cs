using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BitDust.Engine.Host.Api;

/// <summary>
/// The node's REST API, with BitDust's paths: Kestrel on 127.0.0.1 only, every request refused unless it comes from
/// loopback and carries the node's token, bodies bounded, answers in BitDust's envelope.
/// </summary>
public sealed partial class RestApi : IAsyncDisposable
{
    public const long MaxBodySize = 64 * 1024;

    private readonly WebApplication _app;

    private RestApi(WebApplication app) => _app = app;

    /// <summary>The port actually bound (the configured one may be 0).</summary>
    public int Port { get; private set; }

    public static RestApi Create(int port, string? token, ILoggerProvider? logs, Action<IEndpointRouteBuilder> mapEndpoints)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (logs is not null)
        {
            // The node's own loggers decide (logs/debug-level); this host only forwards to them.
            builder.Logging.SetMinimumLevel(LogLevel.Trace);
            builder.Logging.AddProvider(logs);
        }
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, port);
            kestrel.Limits.MaxRequestBodySize = MaxBodySize;
            kestrel.Limits.MaxRequestHeadersTotalSize = 16 * 1024;
            kestrel.AddServerHeader = false;
        });
        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger<RestApi>();
        app.Use(async (context, next) =>
        {
            // Method, path and status only: never the token, a query or a body.
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            await next(context).ConfigureAwait(false);
            LogAnswered(logger, context.Request.Method, context.Request.Path.Value ?? "", context.Response.StatusCode,
                System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        });
        app.Use(async (context, next) =>
        {
            if (context.Connection.RemoteIpAddress is not { } remote || !IPAddress.IsLoopback(remote))
            {
                await ApiResult.Error(StatusCodes.Status403Forbidden, "the API answers loopback only").ExecuteAsync(context).ConfigureAwait(false);
                return;
            }
            if (token is not null && !ApiToken.Matches($"{ApiToken.Scheme} {token}", context.Request.Headers.Authorization.ToString()))
            {
                await ApiResult.Error(StatusCodes.Status401Unauthorized,
                    "missing or wrong API token: send \"Authorization: Bearer <token>\" with the token from the node's home (api-token)")
                    .ExecuteAsync(context).ConfigureAwait(false);
                return;
            }
            await next(context).ConfigureAwait(false);
        });
        mapEndpoints(app);
        app.MapFallback(context => ApiResult.Error(StatusCodes.Status404NotFound, $"no endpoint {context.Request.Method} {context.Request.Path}")
            .ExecuteAsync(context));
        return new RestApi(app);
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = _app.Urls.First();
        Port = new Uri(address).Port;
    }

    [LoggerMessage(EventId = 4200, Level = LogLevel.Debug, Message = "{Method} {Path} answered {Status} in {Milliseconds:0.0} ms")]
    private static partial void LogAnswered(ILogger logger, string method, string path, int status, double milliseconds);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}

using System.Globalization;
using System.Runtime.InteropServices;
using BitDust.Engine.Common;
using BitDust.Engine.Host.Api;
using BitDust.Engine.Host.Configuration;
using BitDust.Engine.Host.Services;
using BitDust.Fs.Drive;
using Microsoft.Extensions.Logging;

namespace BitDust.Mount.Daemon;

/// <summary>
/// Runs one node in the foreground until SIGTERM, SIGINT or <c>/process/stop/v1</c>: writes the pid file, starts the enabled
/// services in order, serves the REST API, and on the way out stops everything and removes the pid file.
/// </summary>
internal static partial class NodeRunner
{
    public static async Task<int> RunAsync(NodeHome home, CancellationToken cancellationToken)
    {
        home.Create();
        var config = NodeConfig.Load(home);
        // logs/debug-level, followed as it is set: no restart to see more or less.
        var level = new LiveLogLevel(config);
        using var loggerFactory = LoggerFactory.Create(logging => logging
            .AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff ";
                console.UseUtcTimestamp = true;
            })
            .SetMinimumLevel(LogLevel.Trace)
            .AddFilter(level.Allows));
        var logger = loggerFactory.CreateLogger("bitdust");
        if (PidFile.ReadLivePid(home) is { } other && other != Environment.ProcessId)
        {
            LogAlreadyRunning(logger, home.Root, other);
            return 1;
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            try
            {
                stop.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The REST API's host handles the same signal first and returns only once it has shut down; by then this
                // node may have stopped and let go of its token: there is nothing left to stop.
            }
        }
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);

        await PidFile.WriteAsync(home, cancellationToken).ConfigureAwait(false);
        try
        {
            using var parts = new NodeServices(home, config, loggerFactory);
            await using var services = new ServiceRegistry(parts.All, config, loggerFactory.CreateLogger<ServiceRegistry>());
            await services.StartAsync(stop.Token).ConfigureAwait(false);
            var context = new NodeApiContext(home, config, services, parts.Owner, parts.Resolver, DateTimeOffset.UtcNow, () => stop.CancelAfter(TimeSpan.FromMilliseconds(200)));
            await using var api = await StartApiAsync(context, loggerFactory, stop.Token).ConfigureAwait(false);
            LogStarted(logger, home.Root, Environment.ProcessId, api?.Port ?? 0);
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                LogStopping(logger);
            }
            await services.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            PidFile.Delete(home);
            File.Delete(home.ApiPortFile);
        }
        LogStopped(logger);
        return 0;
    }

    private static async Task<RestApi?> StartApiAsync(NodeApiContext context, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var config = context.Config;
        if (!config.GetBoolean(ConfigKeys.ApiRestHttpEnabled))
            return null;
        var token = config.GetBoolean(ConfigKeys.ApiAuthSecretEnabled)
            ? await ApiToken.LoadOrCreateAsync(context.Home, cancellationToken).ConfigureAwait(false)
            : null;
        var api = RestApi.Create(config.GetPort(ConfigKeys.ApiRestHttpPort), token, new ForwardingLoggerProvider(loggerFactory), routes =>
        {
            ProcessEndpoints.Map(routes, context);
            ConfigEndpoints.Map(routes, context);
            ServiceEndpoints.Map(routes, context);
            NetworkEndpoints.Map(routes, context);
            RouterEndpoints.Map(routes, context);
            IdentityEndpoints.Map(routes, context);
            DhtEndpoints.Map(routes, context);
            SupplierSpaceEndpoints.Map(routes, context);
            FileEndpoints.Map(routes, context);
            CustomerSpaceEndpoints.Map(routes, context);
            TransferEndpoints.Map(routes, context);
            SupplierEndpoints.Map(routes, context);
            StubEndpoints.Map(routes, context);
            DriveEndpoints.Map(routes, context);
            EventEndpoints.Map(routes, context, DriveEndpoints.Events(context));
        });
        await api.StartAsync(cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(context.Home.ApiPortFile, api.Port.ToString(CultureInfo.InvariantCulture), cancellationToken)
            .ConfigureAwait(false);
        return api;
    }

    [LoggerMessage(EventId = 6000, Level = LogLevel.Error,
        Message = "a node is already running in {Home} (pid {Pid}); stop it first with: bitdust stop")]
    private static partial void LogAlreadyRunning(ILogger logger, string home, int pid);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information,
        Message = "node started in {Home}, pid {Pid}, REST API on 127.0.0.1:{Port}")]
    private static partial void LogStarted(ILogger logger, string home, int pid, int port);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "stopping")]
    private static partial void LogStopping(ILogger logger);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Information, Message = "stopped")]
    private static partial void LogStopped(ILogger logger);

    /// <summary>Hands the API's logs to the node's logger factory.</summary>
    private sealed class ForwardingLoggerProvider(ILoggerFactory factory) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => factory.CreateLogger(categoryName);

        public void Dispose()
        {
        }
    }
}

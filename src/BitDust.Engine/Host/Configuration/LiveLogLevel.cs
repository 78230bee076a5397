using Microsoft.Extensions.Logging;

namespace BitDust.Engine.Host.Configuration;

/// <summary>
/// The least severe level the node logs, from <c>logs/debug-level</c> and following it as it is set: BitDust's scale, where a
/// higher number says more (0 information and above, 1 to 9 debug, 10 and more trace).
/// </summary>
public sealed class LiveLogLevel
{
    public const string Key = ConfigKeys.LogsDebugLevel;

    private volatile int _minimum;

    public LiveLogLevel(NodeConfig config)
    {
        _minimum = (int)Of(config.GetInteger(Key));
        config.Changed += name =>
        {
            if (name == Key)
                _minimum = (int)Of(config.GetInteger(Key));
        };
    }

    public LogLevel Minimum => (LogLevel)_minimum;

    public bool Allows(LogLevel level) => level >= Minimum;

    public static LogLevel Of(long debugLevel) => debugLevel switch
    {
        <= 0 => LogLevel.Information,
        < 10 => LogLevel.Debug,
        _ => LogLevel.Trace,
    };
}

using Microsoft.Extensions.Logging;

namespace BitDust.Fs.Tests;

/// <summary>Logs warnings and errors to stderr, so a failing test shows what the drive said.</summary>
internal sealed class TestLog : ILogger
{
    public static TestLog Instance { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
            Console.Error.WriteLine($"[{logLevel}] {formatter(state, exception)} {exception}");
    }
}

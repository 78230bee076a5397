namespace BitDust.Engine.Identity;

/// <summary>How an unreachable identity server is retried: delays double from <see cref="FirstDelay"/> up to <see cref="MaxDelay"/>.</summary>
public sealed record PublishRetry(TimeSpan FirstDelay, TimeSpan MaxDelay, int MaxAttempts)
{
    /// <summary>About half an hour of attempts: 1 s, 2 s, 4 s … capped at 5 minutes, 12 attempts.</summary>
    public static PublishRetry Default { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5), 12);
}

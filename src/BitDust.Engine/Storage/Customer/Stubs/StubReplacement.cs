namespace BitDust.Engine.Storage.Customer.Stubs;

/// <summary>
/// <c>bitdust stub PATH</c> as the daemon carries it out: once the upload of PATH is durable, PATH.f is written and only then
/// PATH deleted. <see cref="State"/> is what the CLI waits for after the transfer, so it can say whether PATH was replaced.
/// </summary>
public sealed class StubReplacement(string id, string localPath, string stubPath)
{
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile StubReplacementState _state;
    private volatile string? _error;

    /// <summary>The id of the upload transfer it follows.</summary>
    public string Id { get; } = id;

    public string LocalPath { get; } = localPath;

    public string StubPath { get; } = stubPath;

    public StubReplacementState State => _state;

    /// <summary>Why PATH was not replaced (it is still there), when <see cref="State"/> is Failed.</summary>
    public string? Error => _error;

    /// <summary>Completes when PATH was replaced by its stub or was left as it is.</summary>
    public Task WhenFinished => _finished.Task;

    internal void Replaced()
    {
        _state = StubReplacementState.Replaced;
        _finished.TrySetResult();
    }

    internal void Fail(string reason)
    {
        _error = reason;
        _state = StubReplacementState.Failed;
        _finished.TrySetResult();
    }
}

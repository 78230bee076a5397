using BitDust.Engine.Tests.Storage.Customer;
using BitDust.Fs.Cache;

namespace BitDust.Fs.Tests.Vfs;

/// <summary>
/// Watches the bytes a cache counts all the time — with uploads, evictions and readers running side by side, not only between
/// a test's steps — and keeps the most it saw.
/// </summary>
internal sealed class CachePeak : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _watching;
    private long _peak;

    public CachePeak(CacheSpace space) =>
        _watching = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                var used = space.Used;
                if (used > Interlocked.Read(ref _peak))
                    Interlocked.Exchange(ref _peak, used);
                await Task.Yield();
            }
        });

    /// <summary>Stops watching; the most the cache counted meanwhile.</summary>
    public async Task<long> StopAsync()
    {
        await _stop.CancelAsync();
        await _watching.WaitAsync(CustomerHarness.StepTimeout);
        return Interlocked.Read(ref _peak);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _watching.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }
}

using BitDust.Engine.Storage.Protocol;

namespace BitDust.Engine.Storage.Customer.Families;

/// <summary>
/// Requests to the suppliers of the family. A supplier that could not be reached is not asked again for
/// <see cref="RetryUnreachableAfter"/>: a download with m suppliers gone would otherwise wait for each of them on every block.
/// </summary>
public sealed partial class Family
{
    public static readonly TimeSpan RetryUnreachableAfter = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Sends <paramref name="request"/> to every position at once, each bounded by <paramref name="timeout"/>, and gathers
    /// the answers; a failure becomes the answer's <see cref="PositionAnswer{T}.Problem"/>, naming the supplier.
    /// </summary>
    public async Task<IReadOnlyList<PositionAnswer<T>>> AskEveryoneAsync<T>(Func<SupplierClient, CancellationToken, Task<T>> request,
        TimeSpan timeout, CancellationToken cancellationToken)
    {
        return await Task.WhenAll(Enumerable.Range(0, Size).Select(position => AskAsync(position, request, timeout, cancellationToken)))
            .ConfigureAwait(false);
    }

    public Task<PositionAnswer<T>> AskAsync<T>(int position, Func<SupplierClient, CancellationToken, Task<T>> request,
        TimeSpan timeout, CancellationToken cancellationToken) =>
        AskAsync(position, request, timeout, evenIfRecentlyUnreachable: false, cancellationToken);

    /// <param name="evenIfRecentlyUnreachable">Ask although the supplier did not answer a moment ago: a ping, which is how it is
    /// seen back.</param>
    public async Task<PositionAnswer<T>> AskAsync<T>(int position, Func<SupplierClient, CancellationToken, Task<T>> request,
        TimeSpan timeout, bool evenIfRecentlyUnreachable, CancellationToken cancellationToken)
    {
        var supplier = Describe(position);
        if (ClientAt(position) is not { } client)
            return new PositionAnswer<T>(position, supplier, default, "nobody holds this position (none hired yet, or fired)");
        if (!evenIfRecentlyUnreachable && RecentlyUnreachable(position) is { } unreachable)
            return new PositionAnswer<T>(position, supplier, default, unreachable);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            var value = await request(client, deadline.Token).ConfigureAwait(false);
            Reached(position);
            return new PositionAnswer<T>(position, supplier, value, null);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: whatever the connection says as it closes, this is no answer about the supplier.
            throw;
        }
        catch (OperationCanceledException)
        {
            return new PositionAnswer<T>(position, supplier, default,
                Unreachable(position, $"no answer within {timeout.TotalSeconds:0} s"));
        }
        catch (SupplierRefusedException e)
        {
            Reached(position);
            return new PositionAnswer<T>(position, supplier, default, $"refused: {e.Reason}", Refused: true);
        }
        catch (Exception e)
        {
            return new PositionAnswer<T>(position, supplier, default, Unreachable(position, $"unreachable ({e.Message})"));
        }
    }

    private string? RecentlyUnreachable(int position)
    {
        lock (_gate)
        {
            return _unreachable[position] is var (at, reason) && DateTimeOffset.UtcNow - at < RetryUnreachableAfter
                ? $"{reason}; not asked again for {RetryUnreachableAfter.TotalSeconds:0} s"
                : null;
        }
    }

    private void Reached(int position)
    {
        lock (_gate)
            _unreachable[position] = null;
        Observe(position, answered: true, DateTimeOffset.UtcNow);
    }

    private string Unreachable(int position, string reason)
    {
        var now = DateTimeOffset.UtcNow;
        lock (_gate)
            _unreachable[position] = (now, reason);
        Observe(position, answered: false, now);
        return reason;
    }
}

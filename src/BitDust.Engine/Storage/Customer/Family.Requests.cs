using BitDust.Engine.Storage.Protocol;

namespace BitDust.Engine.Storage.Customer;

/// <summary>The answer of the supplier at one position: a value, or the <see cref="Reason"/> there is none.</summary>
public sealed record PositionAnswer<T>(int Position, string Supplier, T? Value, string? Reason)
{
    public bool Succeeded => Reason is null;

    /// <summary>"supplier X at Y: reason", or null when it answered.</summary>
    public string? Problem => Reason is null ? null : $"{Supplier}: {Reason}";
}

/// <summary>Requests to every supplier of the family at once.</summary>
public sealed partial class Family
{
    /// <summary>
    /// Sends <paramref name="request"/> to every position at once, each bounded by <paramref name="timeout"/>, and gathers
    /// the answers; a failure becomes the answer's <see cref="PositionAnswer{T}.Problem"/>, naming the supplier.
    /// </summary>
    public async Task<IReadOnlyList<PositionAnswer<T>>> AskEveryoneAsync<T>(Func<SupplierClient, CancellationToken, Task<T>> request,
        TimeSpan timeout, CancellationToken cancellationToken)
    {
        var answers = await Task.WhenAll(Enumerable.Range(0, Size).Select(position => AskAsync(position, request, timeout, cancellationToken)))
            .ConfigureAwait(false);
        return answers;
    }

    public async Task<PositionAnswer<T>> AskAsync<T>(int position, Func<SupplierClient, CancellationToken, Task<T>> request, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var supplier = Describe(position);
        if (ClientAt(position) is not { } client)
            return new PositionAnswer<T>(position, supplier, default, "nobody holds this position (none hired yet, or fired)");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            var value = await request(client, deadline.Token).ConfigureAwait(false);
            Observe(position, answered: true, DateTimeOffset.UtcNow);
            return new PositionAnswer<T>(position, supplier, value, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Observe(position, answered: false, DateTimeOffset.UtcNow);
            return new PositionAnswer<T>(position, supplier, default, $"no answer within {timeout.TotalSeconds:0} s");
        }
        catch (SupplierRefusedException e)
        {
            Observe(position, answered: true, DateTimeOffset.UtcNow);
            return new PositionAnswer<T>(position, supplier, default, $"refused: {e.Reason}");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Observe(position, answered: false, DateTimeOffset.UtcNow);
            return new PositionAnswer<T>(position, supplier, default, $"unreachable ({e.Message})");
        }
    }
}

using System.Diagnostics;

namespace BitDust.TestSupport;

/// <summary>
/// The tests' one way to wait for something that happens in its own time (a node, a socket, a log line): ask again every
/// <c>poll</c> until it is so, and fail with what was waited for once the timeout has passed. A wait never replaces a check:
/// what it waits for is asserted by its caller.
/// </summary>
public static class Eventually
{
    /// <summary>The first non-null value of <paramref name="probe"/>; <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    /// <remarks>
    /// Named apart from <see cref="ForAsync{T}(Func{Task{T}}, TimeSpan, TimeSpan?, Func{string}?, Func{Exception, bool}?)"/>: an
    /// async lambda given to an overload of one name could bind here with the probe's task as the value, and not wait at all.
    /// </remarks>
    public static async Task<T> ValueAsync<T>(Func<T?> probe, TimeSpan timeout, TimeSpan? poll = null, Func<string>? waitingFor = null)
        where T : class =>
        await ForAsync<T>(() => Task.FromResult(probe()), timeout, poll, waitingFor, notYet: null).ConfigureAwait(false);

    /// <summary>
    /// The first non-null value of <paramref name="probe"/>, whose exceptions of a kind <paramref name="notYet"/> accepts count as
    /// "not yet" (a node still starting); <see cref="TimeoutException"/> after <paramref name="timeout"/>, saying
    /// <paramref name="waitingFor"/>.
    /// </summary>
    public static async Task<T> ForAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, TimeSpan? poll = null, Func<string>? waitingFor = null,
        Func<Exception, bool>? notYet = null) where T : class
    {
        ArgumentNullException.ThrowIfNull(probe);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (await probe().WaitAsync(timeout).ConfigureAwait(false) is { } value)
                    return value;
            }
            catch (Exception e) when (notYet?.Invoke(e) == true)
            {
                // Not yet.
            }
            if (clock.Elapsed > timeout)
                throw new TimeoutException($"after {clock.Elapsed.TotalSeconds:0.0} s: {waitingFor?.Invoke() ?? "the condition never held"}");
            await Task.Delay(poll ?? TimeSpan.FromMilliseconds(20)).ConfigureAwait(false);
        }
    }

    /// <summary>Returns once <paramref name="condition"/> holds; <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, TimeSpan? poll = null, Func<string>? waitingFor = null) =>
        ValueAsync(() => condition() ? "" : null, timeout, poll, waitingFor);
}

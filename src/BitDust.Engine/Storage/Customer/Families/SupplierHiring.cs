using BitDust.Engine.Coding;
using BitDust.Engine.Storage.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BitDust.Engine.Storage.Customer.Families;

/// <summary>
/// Fills the empty (or fired) positions of the family: asks the directory for suppliers neither in the family nor fired
/// before, most free space first, and hires each that grants the quota (needed space / N × n/k). While fewer are found than
/// needed it says so in <see cref="Status"/> ("found 5 of 7 suppliers") and looks again, waiting longer each time up to a
/// minute.
/// </summary>
public sealed partial class SupplierHiring(Family family,
    Func<IReadOnlySet<string>, CancellationToken, Task<IReadOnlyList<SupplierCandidate>>> find,
    long neededBytes, TimeSpan requestTimeout, ILogger? logger = null)
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan LastRetry = TimeSpan.FromMinutes(1);

    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    /// <summary>What hiring is doing, for <c>bitdust states</c>.</summary>
    public string Status { get; private set; } = "not started";

    /// <summary>What each supplier is asked to keep: ⌈needed / N × n/k⌉ (n = N here, so each keeps 1/k of the data).</summary>
    public static long QuotaFor(long neededBytes, int suppliers, ErasureScheme scheme)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(neededBytes);
        var numerator = (Int128)neededBytes * scheme.Total;
        var denominator = (Int128)suppliers * scheme.DataCount;
        return (long)((numerator + denominator - 1) / denominator);
    }

    public long Quota => QuotaFor(neededBytes, family.Size, family.Scheme);

    /// <summary>Hires until every position has a supplier.</summary>
    public async Task HireAsync(CancellationToken cancellationToken)
    {
        var wait = FirstRetry;
        while (!await TryRoundAsync(cancellationToken).ConfigureAwait(false))
        {
            Status += $"; looking again in {wait.TotalSeconds:0} s";
            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            wait = wait * 2 < LastRetry ? wait * 2 : LastRetry;
        }
    }

    private async Task<bool> TryRoundAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await TryFillAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Status = $"looking for suppliers failed ({e.Message})";
            LogHiring(Status);
            return false;
        }
    }

    /// <summary>One round: true when the family is complete afterwards.</summary>
    public async Task<bool> TryFillAsync(CancellationToken cancellationToken)
    {
        var empty = Empty();
        if (empty.Count == 0)
        {
            Status = $"hired {family.Size} of {family.Size} suppliers";
            return true;
        }
        var members = family.Members;
        var exclude = members.Where(m => m is not null).Select(m => m!.Supplier).Concat(family.FiredSuppliers)
            .ToHashSet(StringComparer.Ordinal);
        var candidates = await find(exclude, cancellationToken).ConfigureAwait(false);
        var quota = Quota;
        var refusals = new List<string>();
        using var next = candidates.Where(c => !exclude.Contains(c.Contact.Identity)).GetEnumerator();
        foreach (var position in empty)
        {
            while (next.MoveNext())
            {
                var candidate = next.Current;
                if (await TryHireAsync(position, candidate, quota, refusals, cancellationToken).ConfigureAwait(false))
                    break;
            }
        }
        var hired = family.Members.Count(m => m is { State: not SupplierState.Fired });
        Status = $"found {hired} of {family.Size} suppliers" + (refusals.Count > 0 ? $" ({string.Join("; ", refusals)})" : "");
        LogHiring(Status);
        return hired == family.Size;
    }

    private async Task<bool> TryHireAsync(int position, SupplierCandidate candidate, long quota, List<string> refusals,
        CancellationToken cancellationToken)
    {
        var contact = candidate.Contact;
        if (candidate.Offer.FreeBytes < quota)
        {
            refusals.Add($"{contact.Identity} offers {candidate.Offer.FreeBytes} bytes, {quota} needed");
            return false;
        }
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(requestTimeout);
        try
        {
            var grant = await new SupplierClient(family.Connector, contact).RequestSpaceAsync(quota, deadline.Token).ConfigureAwait(false);
            family.Set(new FamilyMember(position, contact.Identity, contact, SupplierState.Hired, grant.QuotaBytes, DateTimeOffset.UtcNow,
                LastSeen: DateTimeOffset.UtcNow));
            LogHired(contact.Identity, position, grant.QuotaBytes);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            refusals.Add($"{contact.Identity}: {e.Message}");
            return false;
        }
    }

    private List<int> Empty() =>
        [.. family.Members.Select((member, position) => (member, position))
            .Where(p => p.member is null or { State: SupplierState.Fired }).Select(p => p.position)];

    [LoggerMessage(EventId = 3508, Level = LogLevel.Information,
        Message = "hired supplier {Supplier} at position {Position} with a quota of {Quota} bytes")]
    private partial void LogHired(string supplier, int position, long quota);

    [LoggerMessage(EventId = 3509, Level = LogLevel.Information, Message = "hiring: {Status}")]
    private partial void LogHiring(string status);
}

using BitDust.Engine.Storage.Customer.Records;
using Microsoft.Extensions.Logging;

namespace BitDust.Engine.Storage.Customer.Families;

/// <summary>Firing a member and hiring its replacement.</summary>
public sealed partial class Employer
{
    /// <summary>
    /// Fires the member at <paramref name="position"/> (when someone is there) and hires a replacement now; the rebuild then
    /// puts the position's fragments on it. A position out of range is an <see cref="ArgumentOutOfRangeException"/>.
    /// </summary>
    public async Task<ReplaceReport> ReplaceAsync(int position, string reason, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(position, Family.Size);
        var fired = await FireAsync(position, reason, cancellationToken).ConfigureAwait(false);
        await FillAsync(cancellationToken).ConfigureAwait(false);
        var now = Family.MemberAt(position);
        var hired = now is { State: not SupplierState.Fired } && now.Supplier != fired ? now.Supplier : null;
        return new ReplaceReport(position, fired, hired, hired is null
            ? $"position {position} stays empty for now: {_hiring.Status}; " +
              $"hiring is tried again every {_options.PingInterval.TotalSeconds:0} s"
            : $"{hired} hired at position {position}; the rebuild puts the position's fragments on it");
    }

    /// <summary>
    /// Fires the member at <paramref name="position"/>: a member that answers is first asked to drop what it keeps for us;
    /// the position's fragments become missing for the rebuild. Returns who was fired, or null when nobody was there.
    /// </summary>
    private async Task<string?> FireAsync(int position, string reason, CancellationToken cancellationToken)
    {
        var family = Family;
        if (family.MemberAt(position) is not { State: not SupplierState.Fired } member)
            return null;
        if (member.State != SupplierState.Offline)
        {
            var release = await family.AskAsync(position, async (client, token) =>
            {
                await client.ReleaseSpaceAsync(token).ConfigureAwait(false);
                return true;
            }, ReleaseTimeout, cancellationToken).ConfigureAwait(false);
            if (release.Problem is { } problem)
                LogReleaseFailed(member.Supplier, problem);
        }
        if (!family.Fire(position))
            return null;
        var lost = _storage.Catalog.MarkPosition(position, FragmentState.Missing);
        lock (_failedAudits)
            _failedAudits.Remove(member.Supplier);
        LogFired(member.Supplier, position, reason, lost);
        return member.Supplier;
    }

    /// <summary>One hiring round for the empty and fired positions (one at a time); a hire asks for a rebuild.</summary>
    private async Task FillAsync(CancellationToken cancellationToken)
    {
        await _hiringGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var family = Family;
            var before = family.Members;
            try
            {
                await _hiring.TryFillAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogHiringFailed(e.Message);
            }
            var after = family.Members;
            var hired = Enumerable.Range(0, family.Size)
                .Where(p => before[p] is null or { State: SupplierState.Fired } && after[p] is { State: not SupplierState.Fired }).ToList();
            var empty = Enumerable.Range(0, family.Size).Where(p => after[p] is null or { State: SupplierState.Fired }).ToList();
            _status = empty.Count == 0
                ? $"all {family.Size} positions hired"
                : $"position{(empty.Count > 1 ? "s" : "")} {string.Join(", ", empty)} empty: {_hiring.Status}; " +
                  $"looking again in {_options.PingInterval.TotalSeconds:0} s";
            if (hired.Count > 0)
                _requestRebuild();
        }
        finally
        {
            _hiringGate.Release();
        }
    }

    [LoggerMessage(EventId = 3501, Level = LogLevel.Warning,
        Message = "supplier {Supplier} fired from position {Position}: {Reason}; {Fragments} fragments there are to be rebuilt")]
    private partial void LogFired(string supplier, int position, string reason, int fragments);

    [LoggerMessage(EventId = 3502, Level = LogLevel.Information,
        Message = "supplier {Supplier} could not be asked to release our space: {Problem}")]
    private partial void LogReleaseFailed(string supplier, string problem);

    [LoggerMessage(EventId = 3503, Level = LogLevel.Warning, Message = "hiring a replacement failed: {Reason}")]
    private partial void LogHiringFailed(string reason);
}

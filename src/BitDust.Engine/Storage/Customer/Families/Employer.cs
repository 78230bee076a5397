using BitDust.Engine.Identity;
using BitDust.Engine.Storage.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BitDust.Engine.Storage.Customer.Families;

/// <summary>
/// Watches the family and keeps it whole. Every ping interval each member is pinged (its state and last-seen time follow);
/// a member unreachable past the offline deadline is fired, as long as k others answer (fewer means the trouble is more
/// likely this node's network than theirs). Every audit interval each member proves it holds a few random fragments
/// (<see cref="AuditAllAsync"/>); a damaged or missing fragment is marked for the rebuild, and a member failing audits in a
/// row, or keeping nothing for us any more, is fired. A fired member's position is filled through
/// <see cref="SupplierHiring"/> with a supplier never fired before, and the rebuild is asked to put the position's fragments
/// on it; while none can be found the position stays fired (as <c>supplier list</c> shows) and hiring is tried again every
/// ping interval. A member that does not answer a ping may have moved (behind NAT, to another router): its identity document
/// is fetched again and, when it names another contact under the same key, the member is pinged there.
/// </summary>
public sealed partial class Employer
{
    private static readonly TimeSpan ReleaseTimeout = TimeSpan.FromSeconds(10);

    private readonly CustomerStorage _storage;
    private readonly SupplierHiring _hiring;
    private readonly EmployerOptions _options;
    private readonly Action _requestRebuild;
    private readonly Func<string, CancellationToken, Task<IdentityDocument?>>? _refreshIdentity;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _hiringGate = new(1, 1);
    private readonly Dictionary<string, int> _failedAudits = new(StringComparer.Ordinal);
    private volatile string _status = "not started";
    private DateTimeOffset _watchingSince = DateTimeOffset.UtcNow;

    /// <param name="requestRebuild">Asks the rebuild for a pass (a member replaced or back online, a fragment lost).</param>
    /// <param name="refreshIdentity">Fetches a supplier's identity document afresh from its identity servers; null never does.</param>
    public Employer(CustomerStorage storage, SupplierHiring hiring, EmployerOptions options, Action requestRebuild, ILogger? logger = null,
        Func<string, CancellationToken, Task<IdentityDocument?>>? refreshIdentity = null)
    {
        _storage = storage;
        _hiring = hiring;
        _options = options;
        _requestRebuild = requestRebuild;
        _refreshIdentity = refreshIdentity;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>What the employer last did or waits for ("position 2 empty: found 6 of 7 suppliers"), for <c>bitdust states</c>.</summary>
    public string Status => _status;

    private Family Family => _storage.Family;

    /// <summary>Pings (from now on) and audits (after one audit interval) until stopped.</summary>
    public Task RunAsync(CancellationToken cancellationToken)
    {
        _watchingSince = DateTimeOffset.UtcNow;
        return Task.WhenAll(
            RepeatAsync(TimeSpan.Zero, _options.PingInterval, MonitorAsync, cancellationToken),
            RepeatAsync(_options.AuditInterval, _options.AuditInterval, AuditAllAsync, cancellationToken));
    }

    private async Task RepeatAsync(TimeSpan first, TimeSpan every, Func<CancellationToken, Task> round, CancellationToken cancellationToken)
    {
        await Task.Delay(first, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            try
            {
                await round(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                LogRoundFailed(e);
            }
            await Task.Delay(every, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One ping round, then the deadline, then hiring for positions still empty.</summary>
    private async Task MonitorAsync(CancellationToken cancellationToken)
    {
        var pings = await PingAllAsync(cancellationToken).ConfigureAwait(false);
        if (_options.ReplaceOffline)
            await FireOverdueAsync(pings, cancellationToken).ConfigureAwait(false);
        if (!Family.IsComplete)
            await FillAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Pings every member at once, even one that did not answer a moment ago; a member seen back asks for a rebuild.</summary>
    public async Task<IReadOnlyList<PingReport>> PingAllAsync(CancellationToken cancellationToken)
    {
        var family = Family;
        var before = family.Members;
        var reports = await Task.WhenAll(before.Select(async (member, position) =>
        {
            if (member is not { State: not SupplierState.Fired })
            {
                return new PingReport(position, member?.Supplier, member?.State ?? SupplierState.Missing, null,
                    member is null ? "nobody holds this position" : "fired; its position waits for a replacement");
            }
            var answer = await family.AskAsync(position, (client, token) => client.PingAsync(token), _options.RequestTimeout,
                evenIfRecentlyUnreachable: true, cancellationToken).ConfigureAwait(false);
            if (answer is { Succeeded: false, Refused: false } &&
                await RelocateAsync(position, member, cancellationToken).ConfigureAwait(false))
            {
                answer = await family.AskAsync(position, (client, token) => client.PingAsync(token), _options.RequestTimeout,
                    evenIfRecentlyUnreachable: true, cancellationToken).ConfigureAwait(false);
            }
            var state = family.MemberAt(position)?.State ?? SupplierState.Missing;
            return new PingReport(position, member.Supplier, state, answer.Succeeded ? answer.Value : null, answer.Problem);
        })).ConfigureAwait(false);
        if (reports.Any(r => r.Problem is null && before[r.Position] is { State: SupplierState.Offline }))
            _requestRebuild();
        return reports;
    }

    /// <summary>
    /// Fires the members unreachable past the deadline, unless fewer than k members answer at all. The time counts from when
    /// a member was last seen (or hired), but not from before this employer started watching: while this node was off, nobody
    /// saw whether the member was there.
    /// </summary>
    private async Task FireOverdueAsync(IReadOnlyList<PingReport> pings, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var overdue = Family.Members.OfType<FamilyMember>()
            .Where(m => m.State == SupplierState.Offline && now - Max(m.LastSeen ?? m.Hired, _watchingSince) > _options.OfflineDeadline)
            .ToList();
        if (overdue.Count == 0)
            return;
        var answered = pings.Count(p => p.Problem is null);
        if (answered < Family.Scheme.DataCount)
        {
            _status = $"{overdue.Count} suppliers are offline past the deadline, but only {answered} answer at all: " +
                "this node's network may be down, so nobody is fired";
            LogNotFiring(_status);
            return;
        }
        foreach (var member in overdue)
        {
            var since = member.LastSeen is { } seen ? $"last seen {seen:u}" : $"never seen since hired {member.Hired:u}";
            await FireAsync(member.Position, $"offline past the deadline of {_options.OfflineDeadline.TotalSeconds:0} s ({since})",
                cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Fetches the identity document of an unreachable member again and moves the member to the contact it names now, if that
    /// is another one under the same key. True when the member was moved.
    /// </summary>
    private async Task<bool> RelocateAsync(int position, FamilyMember member, CancellationToken cancellationToken)
    {
        if (_refreshIdentity is null)
            return false;
        var document = await _refreshIdentity(member.Supplier, cancellationToken).ConfigureAwait(false);
        if (document is null || SupplierContacts.FromDocument(document) is not { } published)
            return false;
        var contact = published with { Identity = member.Supplier };
        if (member.Contact is { } known && !known.PublicKey.Equals(contact.PublicKey))
        {
            LogKeyChanged(member.Supplier, known.PublicKey.Fingerprint, contact.PublicKey.Fingerprint);
            return false;
        }
        if (contact == member.Contact || !Family.Relocate(position, contact))
            return false;
        LogRelocated(member.Supplier, member.Contact?.Address ?? "an unknown address", contact.Address);
        return true;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    [LoggerMessage(EventId = 3504, Level = LogLevel.Information,
        Message = "supplier {Supplier} moved from {From} to {To}, as its identity document says")]
    private partial void LogRelocated(string supplier, string from, string to);

    [LoggerMessage(EventId = 3505, Level = LogLevel.Warning,
        Message = "the identity document of supplier {Supplier} now has key {Presented}, not {Known}: its new contact is not taken")]
    private partial void LogKeyChanged(string supplier, string known, string presented);

    [LoggerMessage(EventId = 3506, Level = LogLevel.Warning, Message = "an employer round failed")]
    private partial void LogRoundFailed(Exception exception);

    [LoggerMessage(EventId = 3507, Level = LogLevel.Warning, Message = "{Status}")]
    private partial void LogNotFiring(string status);
}

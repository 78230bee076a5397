using System.Collections.Concurrent;

namespace BitDust.Engine.Network.Dht;

public sealed partial class DhtNode
{
    /// <summary>Questionable contacts pinged per maintenance round, so maintenance traffic stays small.</summary>
    private const int PingsPerRound = 8;

    private readonly ConcurrentDictionary<NodeId, OwnedItem> _owned = new();
    private readonly ConcurrentDictionary<NodeId, Announcement> _announced = new();

    private async Task MaintenanceLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.MaintenanceInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await MaintainAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Log.MaintenanceFailed(_logger, _options.MaintenanceInterval, e);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>One maintenance round: expire, rejoin if alone, refresh stale buckets, check questionable nodes, republish.</summary>
    internal async Task MaintainAsync(CancellationToken cancellationToken)
    {
        var now = Now;
        _store.RemoveExpired(now);
        if (ContactCount == 0 && !_options.Genesis && _options.KnownNodes.Count > 0)
            await BootstrapAsync(_options.KnownNodes.Select(DhtEndPoints.Parse), cancellationToken).ConfigureAwait(false);
        List<NodeId> stale;
        List<DhtContact> questionable;
        lock (_routingLock)
        {
            stale = _routing.StaleBucketTargets(now);
            questionable = _routing.Questionable(now).Take(PingsPerRound).ToList();
        }
        await Task.WhenAll(questionable.Select(c => QueryAsync(c, "ping", [], cancellationToken))).ConfigureAwait(false);
        foreach (var target in stale)
            await FindNodeAsync(target, cancellationToken).ConfigureAwait(false);
        await RepublishAsync(now, cancellationToken).ConfigureAwait(false);
    }

    private async Task RepublishAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var item in _owned.Values.Where(i => now - i.PublishedAt >= _options.RepublishInterval))
        {
            var result = await PublishAsync(item, null, cancellationToken).ConfigureAwait(false);
            _owned[item.Target] = item with { PublishedAt = now };
            Log.Republished(_logger, item.Target, result.Copies);
        }
        foreach (var (infoHash, announcement) in _announced.Where(a => now - a.Value.AnnouncedAt >= _options.RepublishInterval))
            await AnnounceAsync(infoHash, announcement.Port, cancellationToken).ConfigureAwait(false);
    }
}

using BitDust.Engine.Network.Dht;
using BitDust.Engine.Storage.Protocol;
using Microsoft.Extensions.Logging;

namespace BitDust.Engine.Storage.Supplier;

/// <summary>
/// Keeps the family record of every customer this supplier stores for alive in the DHT. A record lives
/// <see cref="DhtOptions.ItemLifetime"/> in the DHT and only its owner signs it; an owner whose machine died cannot put it
/// again, so its suppliers do, for as long as they hold its data (a released customer's meta goes with its fragments). The
/// owner recovering from its identity backup then finds the same family, however long it was away.
/// </summary>
public sealed partial class FamilyKeeper(FragmentStore store, DhtNode node, ILogger logger)
{
    /// <summary>Puts every customer's record back now, then every <see cref="DhtNode.RepublishInterval"/>, until stopped.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(node.RepublishInterval);
        do
        {
            await KeepAsync(cancellationToken).ConfigureAwait(false);
        }
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>One round; returns how many records were put back.</summary>
    public async Task<int> KeepAsync(CancellationToken cancellationToken)
    {
        var kept = 0;
        foreach (var (customer, value) in store.MetaOfEveryone(FamilyMeta.MetaName))
        {
            if (!FamilyMeta.TryDecode(value, out var record, out var error))
            {
                LogUnreadable(customer, error);
                continue;
            }
            try
            {
                var copies = await record.RepublishAsync(node, cancellationToken).ConfigureAwait(false);
                LogKept(customer, record.Item.Sequence, copies);
                kept++;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogFailed(customer, e.Message);
            }
        }
        return kept;
    }

    [LoggerMessage(EventId = 3200, Level = LogLevel.Debug,
        Message = "family record of customer {Customer} (sequence {Sequence}) put back into the DHT: {Copies} nodes hold it")]
    private partial void LogKept(string customer, long sequence, int copies);

    [LoggerMessage(EventId = 3201, Level = LogLevel.Warning,
        Message = "the family record customer {Customer} left here is unreadable ({Reason}); it is not put into the DHT")]
    private partial void LogUnreadable(string customer, string reason);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Warning,
        Message = "the family record of customer {Customer} could not be put back into the DHT: {Reason}; trying again later")]
    private partial void LogFailed(string customer, string reason);
}

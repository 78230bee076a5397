using System.Collections.Concurrent;

namespace BitDust.Engine.Storage.Customer.Transfers;

/// <summary>The transfers of this run (and the upload jobs the catalog brought back), by id.</summary>
public sealed class TransferRegistry
{
    private readonly ConcurrentDictionary<string, Transfer> _transfers = new(StringComparer.Ordinal);

    public void Add(Transfer transfer)
    {
        if (!_transfers.TryAdd(transfer.Id, transfer))
            throw new InvalidOperationException($"A transfer with id {transfer.Id} is already registered.");
    }

    public Transfer? Find(string id) => _transfers.GetValueOrDefault(id);

    /// <summary>Oldest first.</summary>
    public IReadOnlyList<Transfer> List() => [.. _transfers.Values.OrderBy(t => t.Started).ThenBy(t => t.Id, StringComparer.Ordinal)];
}

using BitDust.Engine.Storage.Protocol;

namespace BitDust.Engine.Storage.Supplier;

public sealed partial class FragmentStore
{
    /// <summary>
    /// Keeps <paramref name="value"/> (at most 1 MiB, counted in the quota) under <paramref name="name"/> for <paramref name="who"/>.
    /// </summary>
    public void PutMeta(CustomerIdentity who, string name, ReadOnlySpan<byte> value)
    {
        if (MetaMessages.ValidateName(name) is { } problem)
            throw new StoreRefusedException(problem);
        if (value.Length > StorageWire.MaxMetaLength)
            throw new StoreRefusedException($"meta {name} is {value.Length} bytes, over {StorageWire.MaxMetaLength}");
        lock (_lock)
        {
            ThrowIfDisposed();
            var customer = RequireContract(who);
            var replaced = Scalar<long>("SELECT LENGTH(value) FROM meta WHERE customer = $c AND name = $n",
                ("$c", customer.Id), ("$n", name));
            if (customer.Used + customer.Reserved - replaced + value.Length > customer.Quota)
            {
                throw new StoreRefusedException(
                    $"quota full: used {customer.Used + customer.Reserved} of {customer.Quota} bytes, " +
                    $"meta {name} needs {value.Length - replaced} more");
            }
            Execute("INSERT OR REPLACE INTO meta (customer, name, value) VALUES ($c, $n, $v)",
                ("$c", customer.Id), ("$n", name), ("$v", value.ToArray()));
            customer.Used += value.Length - replaced;
        }
    }

    /// <summary>The blob <paramref name="who"/> keeps under <paramref name="name"/>, or null.</summary>
    public byte[]? GetMeta(CustomerIdentity who, string name)
    {
        lock (_lock)
        {
            ThrowIfDisposed();
            return _customers.TryGetValue(who.KeyFingerprint, out var customer)
                ? Scalar<byte[]>("SELECT value FROM meta WHERE customer = $c AND name = $n", ("$c", customer.Id), ("$n", name))
                : null;
        }
    }

    /// <summary>The blob every customer keeps under <paramref name="name"/>, by customer name (those keeping none are left out).</summary>
    public IReadOnlyList<(string Customer, byte[] Value)> MetaOfEveryone(string name)
    {
        lock (_lock)
        {
            ThrowIfDisposed();
            return [.. _customers.Values.OrderBy(c => c.Name, StringComparer.Ordinal)
                .Select(c => (c.Name, Value: Scalar<byte[]>("SELECT value FROM meta WHERE customer = $c AND name = $n",
                    ("$c", c.Id), ("$n", name))))
                .Where(m => m.Value is not null)
                .Select(m => (m.Name, m.Value!))];
        }
    }
}

using System.Diagnostics;
using System.Security.Cryptography;
using BitDust.Engine.Network.Transport;
using BitDust.Engine.Pipeline;

namespace BitDust.Engine.Storage.Protocol;

/// <summary>What a supplier granted this customer, and how much of it is used.</summary>
public sealed record SpaceGrant(long QuotaBytes, long UsedBytes);

/// <summary>What a supplier offers before a contract: space it can still give.</summary>
public sealed record SpaceOffer(long DonatedBytes, long FreeBytes);

/// <summary>One fragment a supplier holds for this customer: its key, stored length (header + payload) and SHA-256.</summary>
public sealed record StoredFragment(FragmentKey Key, int Length, byte[] Hash);

/// <summary>
/// The customer's side of the storage protocol with one supplier, over the node's authenticated TLS connections.
/// Every call names the supplier in its errors; a supplier's "no" is a <see cref="SupplierRefusedException"/>, a dead link
/// a <see cref="PeerConnectionClosedException"/>, <see cref="TimeoutException"/> or socket error. An answer that does not
/// parse, or a stored hash that is not the hash of what was sent, is a <see cref="SupplierRefusedException"/> too: such a
/// supplier is not keeping its word.
/// </summary>
public sealed class SupplierClient(PeerConnector connector, PeerContact supplier)
{
    public PeerContact Supplier => supplier;

    internal PeerConnector Connector => connector;

    /// <summary>Asks what the supplier can still give (no contract needed).</summary>
    public async Task<SpaceOffer> GetOfferAsync(CancellationToken cancellationToken)
    {
        var answer = await SendAsync(StorageWire.SpaceOffer, StorageWire.Empty(), cancellationToken).ConfigureAwait(false);
        return SpaceMessages.TryReadOffer(answer, out var offer, out var error) ? offer : throw Malformed(StorageWire.SpaceOffer, error);
    }

    /// <summary>Asks for (or resizes) a contract of <paramref name="quotaBytes"/>; refused when the donated space does not fit it.</summary>
    public async Task<SpaceGrant> RequestSpaceAsync(long quotaBytes, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(quotaBytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quotaBytes, StorageWire.MaxQuota);
        var answer = await SendAsync(StorageWire.SpaceRequest, SpaceMessages.EncodeRequest(quotaBytes), cancellationToken)
            .ConfigureAwait(false);
        return SpaceMessages.TryReadGrant(answer, out var grant, out var error) ? grant : throw Malformed(StorageWire.SpaceRequest, error);
    }

    /// <summary>Ends the contract: the supplier deletes everything it holds for this customer.</summary>
    public async Task ReleaseSpaceAsync(CancellationToken cancellationToken)
    {
        var answer = await SendAsync(StorageWire.SpaceRelease, StorageWire.Empty(), cancellationToken).ConfigureAwait(false);
        if (!StorageWire.TryReadEmpty(answer, "space release answer", out var error))
            throw Malformed(StorageWire.SpaceRelease, error);
    }

    /// <summary>
    /// Stores one fragment (its 64-byte header and payload, as <see cref="EncodedBlock.ToFragmentBytes"/> lays them out).
    /// Returns the SHA-256 of the stored bytes once the supplier has made them durable.
    /// </summary>
    public async Task<byte[]> PutFragmentAsync(FragmentKey key, ReadOnlyMemory<byte> fragment, CancellationToken cancellationToken)
    {
        if (fragment.Length is < FragmentHeader.Size or > StorageWire.MaxFragmentLength)
        {
            throw new ArgumentException(
                $"Fragment {key} is {fragment.Length} bytes; one request carries {FragmentHeader.Size} to {StorageWire.MaxFragmentLength}.",
                nameof(fragment));
        }
        var answer = await SendAsync(StorageWire.FragmentPut, FragmentMessages.EncodePut(key, fragment.Span), cancellationToken)
            .ConfigureAwait(false);
        if (!FragmentMessages.TryReadHash(answer, out var stored, out var error))
            throw Malformed(StorageWire.FragmentPut, error);
        var sent = SHA256.HashData(fragment.Span);
        if (!stored.AsSpan().SequenceEqual(sent))
        {
            throw new SupplierRefusedException(supplier.Identity,
                $"it stored fragment {key} with hash {Convert.ToHexStringLower(stored)}, " +
                $"not {Convert.ToHexStringLower(sent)} of the bytes sent");
        }
        return stored;
    }

    /// <summary>The stored bytes (header + payload), or null when the supplier does not hold that fragment.</summary>
    public async Task<byte[]?> GetFragmentAsync(FragmentKey key, CancellationToken cancellationToken)
    {
        var answer = await SendAsync(StorageWire.FragmentGet, FragmentMessages.EncodeKey(key), cancellationToken).ConfigureAwait(false);
        return FragmentMessages.TryReadMaybe(answer, StorageWire.MaxFragmentLength, "fragment get answer", out var bytes, out var error)
            ? bytes
            : throw Malformed(StorageWire.FragmentGet, error);
    }

    /// <summary>Every fragment held for this customer, or only those of <paramref name="file"/>.</summary>
    public async Task<IReadOnlyList<StoredFragment>> ListFragmentsAsync(FileVersion? file, CancellationToken cancellationToken)
    {
        var fragments = new List<StoredFragment>();
        FragmentKey? after = null;
        while (true)
        {
            var query = FragmentMessages.EncodeListQuery(new FragmentListQuery(file, after));
            var answer = await SendAsync(StorageWire.FragmentList, query, cancellationToken).ConfigureAwait(false);
            if (!FragmentMessages.TryReadPage(answer, out var page, out var error))
                throw Malformed(StorageWire.FragmentList, error);
            // Pages must move forward in key order, or a broken supplier could keep this loop going for ever.
            foreach (var fragment in page.Fragments)
            {
                if (after is { } previous && Compare(fragment.Key, previous) <= 0)
                    throw Malformed(StorageWire.FragmentList, $"{fragment.Key} came after {previous}");
                if (file is { } version && fragment.Key.File != version)
                    throw Malformed(StorageWire.FragmentList, $"{fragment.Key} is not of {version}");
                fragments.Add(fragment);
                after = fragment.Key;
            }
            if (!page.More)
                return fragments;
            if (page.Fragments.Count == 0)
                throw Malformed(StorageWire.FragmentList, "an empty page that says more follow");
        }
    }

    /// <summary>Deletes every fragment of <paramref name="file"/>; returns how many there were.</summary>
    public async Task<int> DeleteFragmentsAsync(FileVersion file, CancellationToken cancellationToken)
    {
        var answer = await SendAsync(StorageWire.FragmentDelete, FragmentMessages.EncodeFile(file), cancellationToken)
            .ConfigureAwait(false);
        return FragmentMessages.TryReadCount(answer, out var count, out var error)
            ? count
            : throw Malformed(StorageWire.FragmentDelete, error);
    }

    /// <summary>Proof of storage: SHA-256(nonce ‖ stored bytes), which only a holder of the bytes can compute.</summary>
    public async Task<byte[]> AuditAsync(FragmentKey key, ReadOnlyMemory<byte> nonce, CancellationToken cancellationToken)
    {
        if (nonce.Length is < StorageWire.MinNonceLength or > StorageWire.MaxNonceLength)
        {
            throw new ArgumentException(
                $"An audit nonce is {StorageWire.MinNonceLength} to {StorageWire.MaxNonceLength} bytes, not {nonce.Length}.",
                nameof(nonce));
        }
        var answer = await SendAsync(StorageWire.FragmentAudit, FragmentMessages.EncodeAudit(key, nonce.Span), cancellationToken)
            .ConfigureAwait(false);
        return FragmentMessages.TryReadHash(answer, out var proof, out var error)
            ? proof
            : throw Malformed(StorageWire.FragmentAudit, error);
    }

    /// <summary>Keeps a small named blob (at most 1 MiB) for this customer, replacing one of the same name.</summary>
    public async Task PutMetaAsync(string name, ReadOnlyMemory<byte> value, CancellationToken cancellationToken)
    {
        if (MetaMessages.ValidateName(name) is { } problem)
            throw new ArgumentException($"Meta name \"{name}\" cannot be used: {problem}.", nameof(name));
        if (value.Length > StorageWire.MaxMetaLength)
            throw new ArgumentException($"Meta {name} is {value.Length} bytes, over {StorageWire.MaxMetaLength}.", nameof(value));
        var answer = await SendAsync(StorageWire.MetaPut, MetaMessages.EncodePut(name, value.Span), cancellationToken)
            .ConfigureAwait(false);
        if (!StorageWire.TryReadEmpty(answer, "meta put answer", out var error))
            throw Malformed(StorageWire.MetaPut, error);
    }

    /// <summary>The blob of that name, or null.</summary>
    public async Task<byte[]?> GetMetaAsync(string name, CancellationToken cancellationToken)
    {
        if (MetaMessages.ValidateName(name) is { } problem)
            throw new ArgumentException($"Meta name \"{name}\" cannot be used: {problem}.", nameof(name));
        var answer = await SendAsync(StorageWire.MetaGet, MetaMessages.EncodeGet(name), cancellationToken).ConfigureAwait(false);
        return FragmentMessages.TryReadMaybe(answer, StorageWire.MaxMetaLength, "meta get answer", out var value, out var error)
            ? value
            : throw Malformed(StorageWire.MetaGet, error);
    }

    /// <summary>Round trip time of one request.</summary>
    public async Task<TimeSpan> PingAsync(CancellationToken cancellationToken)
    {
        // Dial first, so the time is one request's and not a handshake's.
        await connector.ConnectAsync(supplier, cancellationToken).ConfigureAwait(false);
        var started = Stopwatch.GetTimestamp();
        var answer = await SendAsync(StorageWire.Ping, StorageWire.Empty(), cancellationToken).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started);
        return StorageWire.TryReadEmpty(answer, "ping answer", out var error) ? elapsed : throw Malformed(StorageWire.Ping, error);
    }

    public override string ToString() => $"supplier {supplier.Identity} at {supplier.Address}";

    private async Task<byte[]> SendAsync(string kind, byte[] body, CancellationToken cancellationToken)
    {
        try
        {
            return await connector.SendRequestAsync(supplier, kind, body, cancellationToken).ConfigureAwait(false);
        }
        catch (PeerRequestException e)
        {
            throw new SupplierRefusedException(supplier.Identity, e.Reason);
        }
    }

    private SupplierRefusedException Malformed(string kind, string error) =>
        new(supplier.Identity, $"it answered a {kind} request with a malformed body ({error})");

    private static int Compare(FragmentKey a, FragmentKey b) => a.ToBytes().AsSpan().SequenceCompareTo(b.ToBytes());
}

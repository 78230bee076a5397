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
/// a <see cref="PeerConnectionClosedException"/>, <see cref="TimeoutException"/> or socket error.
/// </summary>
public sealed class SupplierClient(PeerConnector connector, PeerContact supplier)
{
    public PeerContact Supplier => supplier;

    internal PeerConnector Connector => connector;

    /// <summary>Asks what the supplier can still give (no contract needed).</summary>
    public Task<SpaceOffer> GetOfferAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>Asks for (or resizes) a contract of <paramref name="quotaBytes"/>; refused when the donated space does not fit it.</summary>
    public Task<SpaceGrant> RequestSpaceAsync(long quotaBytes, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>Ends the contract: the supplier deletes everything it holds for this customer.</summary>
    public Task ReleaseSpaceAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>
    /// Stores one fragment (its 64-byte header and payload, as <see cref="EncodedBlock.ToFragmentBytes"/> lays them out).
    /// Returns the SHA-256 of the stored bytes once the supplier has made them durable.
    /// </summary>
    public Task<byte[]> PutFragmentAsync(FragmentKey key, ReadOnlyMemory<byte> fragment, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    /// <summary>The stored bytes (header + payload), or null when the supplier does not hold that fragment.</summary>
    public Task<byte[]?> GetFragmentAsync(FragmentKey key, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>Every fragment held for this customer, or only those of <paramref name="file"/>.</summary>
    public Task<IReadOnlyList<StoredFragment>> ListFragmentsAsync(FileVersion? file, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    /// <summary>Deletes every fragment of <paramref name="file"/>; returns how many there were.</summary>
    public Task<int> DeleteFragmentsAsync(FileVersion file, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>Proof of storage: SHA-256(nonce ‖ stored bytes), which only a holder of the bytes can compute.</summary>
    public Task<byte[]> AuditAsync(FragmentKey key, ReadOnlyMemory<byte> nonce, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    /// <summary>Keeps a small named blob (at most 1 MiB) for this customer, replacing one of the same name.</summary>
    public Task PutMetaAsync(string name, ReadOnlyMemory<byte> value, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>The blob of that name, or null.</summary>
    public Task<byte[]?> GetMetaAsync(string name, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>Round trip time of one request.</summary>
    public Task<TimeSpan> PingAsync(CancellationToken cancellationToken) => throw new NotImplementedException();
}

using BitDust.Engine.Network.Transport;

namespace BitDust.Engine.Network.Relay;

/// <summary>A route as a router's status shows it.</summary>
public sealed record RelayRouteInfo(string Identity, string Fingerprint, DateTimeOffset Since, DateTimeOffset LastKeep, long BytesRelayed,
    int Tunnels, bool Supplier);

/// <summary>
/// One node a router routes: the authenticated connection it registered on (over which it is told of incoming tunnels),
/// keyed by its key fingerprint, and what went through it. Thread-safe.
/// </summary>
internal sealed class RelayRoute(PeerConnection connection, RelayFlags flags, DateTimeOffset since, long sinceTicks)
{
    private long _lastKeep = sinceTicks;
    private long _bytes;
    private int _tunnels;

    public PeerConnection Connection { get; } = connection;

    public RelayFlags Flags { get; } = flags;

    public string Fingerprint => Connection.PeerKey.Fingerprint;

    /// <summary><see cref="Environment.TickCount64"/> of the registration or the last keep.</summary>
    public long LastKeep => Volatile.Read(ref _lastKeep);

    public int Tunnels => Volatile.Read(ref _tunnels);

    public void Keep(long ticks) => Volatile.Write(ref _lastKeep, ticks);

    public void Relayed(int bytes) => Interlocked.Add(ref _bytes, bytes);

    /// <summary>Takes a tunnel slot; false when the route has <paramref name="max"/> already.</summary>
    public bool TryOpenTunnel(int max)
    {
        if (Interlocked.Increment(ref _tunnels) <= max)
            return true;
        Interlocked.Decrement(ref _tunnels);
        return false;
    }

    public void CloseTunnel() => Interlocked.Decrement(ref _tunnels);

    public RelayRouteInfo Describe(long nowTicks, DateTimeOffset now) => new(Connection.PeerIdentity, Fingerprint, since,
        now - TimeSpan.FromMilliseconds(nowTicks - LastKeep), Interlocked.Read(ref _bytes), Tunnels, Flags.HasFlag(RelayFlags.Supplier));
}

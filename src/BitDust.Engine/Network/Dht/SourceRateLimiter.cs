using System.Net;

namespace BitDust.Engine.Network.Dht;

/// <summary>
/// A token bucket per source IP address: each address may send <see cref="Burst"/> datagrams at once and
/// <see cref="PerSecond"/> a second after that; the rest are dropped before parsing, so a flood from one address
/// costs little and cannot starve other nodes. Idle addresses are forgotten to bound memory.
/// </summary>
public sealed class SourceRateLimiter
{
    private const int MaxTrackedSources = 65536;

    private readonly TimeProvider _time;
    private readonly Dictionary<IPAddress, Bucket> _buckets = [];
    private readonly Lock _lock = new();

    public SourceRateLimiter(double perSecond, int burst, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(burst);
        PerSecond = perSecond;
        Burst = burst;
        _time = time;
    }

    public double PerSecond { get; }

    public int Burst { get; }

    public bool TryAcquire(IPAddress source)
    {
        var now = _time.GetTimestamp();
        lock (_lock)
        {
            if (!_buckets.TryGetValue(source, out var bucket))
            {
                if (_buckets.Count >= MaxTrackedSources)
                    ForgetFullBuckets(now);
                bucket = new Bucket { Tokens = Burst, Updated = now };
                _buckets[source] = bucket;
            }
            bucket.Tokens = Math.Min(Burst, bucket.Tokens + (_time.GetElapsedTime(bucket.Updated, now).TotalSeconds * PerSecond));
            bucket.Updated = now;
            if (bucket.Tokens < 1)
                return false;
            bucket.Tokens -= 1;
            return true;
        }
    }

    /// <summary>A source whose bucket has refilled is indistinguishable from a new one, so it can be dropped.</summary>
    private void ForgetFullBuckets(long now)
    {
        foreach (var (address, bucket) in _buckets.ToList())
        {
            if (bucket.Tokens + (_time.GetElapsedTime(bucket.Updated, now).TotalSeconds * PerSecond) >= Burst)
                _buckets.Remove(address);
        }
        if (_buckets.Count >= MaxTrackedSources)
            _buckets.Clear();
    }

    private sealed class Bucket
    {
        public double Tokens { get; set; }

        public long Updated { get; set; }
    }
}

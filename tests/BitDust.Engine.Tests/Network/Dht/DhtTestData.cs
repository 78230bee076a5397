using System.Text;
using BitDust.Engine.Network.Dht;

namespace BitDust.Engine.Tests.Network.Dht;

/// <summary>Random bencode values and a clock the tests move by hand.</summary>
internal static class DhtTestData
{
    public static object RandomValue(Random random, int depth = 0)
    {
        var kind = depth >= 4 ? random.Next(2) : random.Next(4);
        switch (kind)
        {
            case 0:
                return random.Next(3) == 0 ? random.NextInt64(long.MinValue + 1, long.MaxValue) : (long)random.Next(-1000, 1000);
            case 1:
                var bytes = new byte[random.Next(0, 40)];
                random.NextBytes(bytes);
                return bytes;
            case 2:
                return Enumerable.Range(0, random.Next(0, 5)).Select(_ => RandomValue(random, depth + 1)).ToList();
            default:
                var dictionary = new BencodeDictionary();
                for (var i = random.Next(0, 5); i > 0; i--)
                    dictionary[Encoding.Latin1.GetString(RandomKey(random))] = RandomValue(random, depth + 1);
                return dictionary;
        }
    }

    private static byte[] RandomKey(Random random)
    {
        var key = new byte[random.Next(0, 8)];
        random.NextBytes(key);
        return key;
    }
}

internal sealed class ManualTimeProvider : TimeProvider
{
    private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => _now;

    public override long GetTimestamp() => _now.UtcTicks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public void Advance(TimeSpan by) => _now += by;
}

using System.Net;
using BitDust.Engine.Network.Dht;

namespace BitDust.Engine.Tests.Network.Dht;

public sealed class RateLimitAndTokenTests
{
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public void A_source_gets_its_burst_then_its_rate()
    {
        var limiter = new SourceRateLimiter(perSecond: 10, burst: 20, _time);
        var flooder = IPAddress.Parse("10.0.0.1");

        Assert.Equal(20, Enumerable.Range(0, 100).Count(_ => limiter.TryAcquire(flooder)));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(10, Enumerable.Range(0, 100).Count(_ => limiter.TryAcquire(flooder)));
    }

    [Fact]
    public void A_flood_from_one_source_does_not_limit_another()
    {
        var limiter = new SourceRateLimiter(perSecond: 10, burst: 20, _time);
        for (var i = 0; i < 1000; i++)
            limiter.TryAcquire(IPAddress.Parse("10.0.0.1"));
        Assert.True(limiter.TryAcquire(IPAddress.Parse("10.0.0.2")));
    }

    [Fact]
    public void Tokens_are_bound_to_the_address_and_survive_one_rotation_but_not_two()
    {
        var tokens = new WriteTokens(_time, TimeSpan.FromMinutes(5));
        var writer = IPAddress.Parse("192.0.2.7");
        var token = tokens.Issue(writer);

        Assert.True(tokens.IsValid(token, writer));
        Assert.False(tokens.IsValid(token, IPAddress.Parse("192.0.2.8")));
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.True(tokens.IsValid(token, writer));
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.False(tokens.IsValid(token, writer));
    }
}

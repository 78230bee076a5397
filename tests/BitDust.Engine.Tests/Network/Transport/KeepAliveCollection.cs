namespace BitDust.Engine.Tests.Network.Transport;

/// <summary>
/// Keep-alive tests judge liveness by the clock, so they run alone, after the parallel tests: beside CPU-heavy tests on two
/// cores the thread pool can hold a ping up for longer than any idle timeout a test can afford to wait out.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KeepAliveCollection
{
    public const string Name = "keep-alive timing";
}

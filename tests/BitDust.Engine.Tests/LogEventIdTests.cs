namespace BitDust.Engine.Tests;

public sealed class LogEventIdTests
{
    [Fact]
    public void Every_log_line_of_the_engine_has_its_own_EventId_in_its_areas_range()
    {
        var assembly = typeof(Engine.Common.AtomicFile).Assembly;
        Assert.True(LogEventIds.Methods(assembly).Count > 50, "the engine's log methods were not found");
        var problems = LogEventIds.Problems(assembly);
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }
}

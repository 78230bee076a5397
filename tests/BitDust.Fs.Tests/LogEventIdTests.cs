using BitDust.Engine.Tests;

namespace BitDust.Fs.Tests;

public sealed class LogEventIdTests
{
    [Fact]
    public void Every_log_line_of_the_drive_has_its_own_EventId_in_its_areas_range()
    {
        var assembly = typeof(BitDust.Fs.Vfs.DriveFileSystem).Assembly;
        Assert.True(LogEventIds.Methods(assembly).Count > 10, "the drive's log methods were not found");
        var problems = LogEventIds.Problems(assembly);
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }
}

using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace BitDust.Integration.Tests.Storage;

/// <summary>
/// Redundancy is never given up before it is replaced: with a supplier down, an overwritten file's new version is durable (k
/// plus the margin) but not complete, so the version before it stays readable, even with max-copies at 1; once the supplier is
/// back the rebuild completes the new version, and only then does the old one go.
/// </summary>
[Collection(LocalnetCollection.Name)]
public sealed class RedundancyTests(ITestOutputHelper output)
{
    [Fact]
    public async Task An_old_version_stays_until_the_new_one_is_complete_and_goes_once_the_supplier_that_was_down_is_back()
    {
        await using var net = await LocalnetFixture.StartAsync(7, ("services/backups/max-copies", "1"),
            ("services/employer/ping-interval", "2"));
        var local = Path.Combine(net.WorkFolder, "report.bin");
        TestFiles.WriteRandom(local, (3 << 20) + 5);
        var first = TestFiles.Sha256(local);
        await net.FileOkAsync("upload", local, "report.bin");
        await net.WaitUploadsCompleteAsync();

        var down = net.Suppliers[2];
        await LocalnetFixture.CliOf(down).RunOkAsync("stop");
        TestFiles.WriteRandom(local, (3 << 20) + 9);
        var second = TestFiles.Sha256(local);
        // Durable with 6 of 7 fragments: the upload returns, but the new version is not complete.
        await net.FileOkAsync("upload", local, "report.bin");
        var versions = await VersionsAsync(net);
        // "degraded" once the employer has seen the supplier gone and marked its fragments missing (pinged every 2 s): either
        // way readable, not complete.
        Assert.True(versions is [(2L, "durable" or "degraded"), (1L, "complete")],
            $"versions {string.Join(", ", versions)}, not 2 durable (or degraded) and 1 complete");
        var old = Path.Combine(net.WorkFolder, "report-v1.bin");
        await net.FileOkAsync("download", "report.bin", old, "--version", "1");
        Assert.Equal(first, TestFiles.Sha256(old));
        output.WriteLine($"a supplier down: versions {string.Join(", ", versions)}; version 1 downloads intact");

        await net.RestartAsync(down.Home);
        await LocalnetFixture.PollAsync(async () => await VersionsAsync(net) is [(2L, "complete")] done ? done : null,
            TimeSpan.FromMinutes(3),
            () => $"version 1 is still kept or version 2 is not complete\n{LocalnetFixture.LogTail(net.Customer.Home)}");
        var now = Path.Combine(net.WorkFolder, "report-now.bin");
        await net.FileOkAsync("download", "report.bin", now);
        Assert.Equal(second, TestFiles.Sha256(now));
        var gone = await net.FileAsync("download", "report.bin", Path.Combine(net.WorkFolder, "gone.bin"), "--version", "1");
        Assert.False(gone.ExitCode == 0, "version 1 can still be downloaded after version 2 was complete");
    }

    private static async Task<List<(long Version, string State)>> VersionsAsync(LocalnetFixture net)
    {
        var info = LocalnetFixture.Result(await net.Customer.ApiAsync(HttpMethod.Get, "/file/info/v1?remote_path=report.bin"));
        return [.. info["versions"]!.AsArray().OfType<JsonNode>()
            .Select(v => (v["version"]!.GetValue<long>(), v["state"]!.GetValue<string>()))];
    }
}

using System.Diagnostics;
using BitDust.Integration.Tests.Hosts;
using BitDust.Integration.Tests.Storage;

namespace BitDust.Integration.Tests.Node;

/// <summary><c>scripts/install</c>: bitdust and bitdust-mount on the PATH, working without the clone, and gone again on uninstall.</summary>
[Collection(LocalnetCollection.Name)]
public sealed class InstallTests
{
    [Fact]
    public async Task Install_puts_bitdust_and_bitdust_mount_on_a_prefix_that_runs_without_the_clone_and_uninstall_removes_them()
    {
        var prefix = Directory.CreateTempSubdirectory("bitdust-install-").FullName;
        var home = Directory.CreateTempSubdirectory("bitdust-install-home-").FullName;
        try
        {
            var script = Path.Combine(HostNetwork.RepositoryRoot, "scripts", "install");
            var (installed, printed) = await RunAsync(script, home, "--prefix", prefix);
            Assert.True(installed == 0, $"scripts/install exited {installed}: {printed}");
            Assert.Contains($"installed: {prefix}/bin/bitdust and {prefix}/bin/bitdust-mount", printed, StringComparison.Ordinal);

            var (help, helpText) = await RunAsync(Path.Combine(prefix, "bin", "bitdust"), home, "--help");
            Assert.True(help == 0 && helpText.Contains("localnet", StringComparison.Ordinal), helpText);
            var (mountHelp, mountText) = await RunAsync(Path.Combine(prefix, "bin", "bitdust-mount"), home, "--help");
            Assert.True(mountHelp == 0 && mountText.Contains("--unmount", StringComparison.Ordinal) &&
                mountText.Contains("MOUNTPOINT", StringComparison.Ordinal), mountText);
            // No node in this home: the installed program says so, with the exit code for it.
            var (status, statusText) = await RunAsync(Path.Combine(prefix, "bin", "bitdust"), home, "status");
            Assert.True(status == 3 && statusText.Contains("not running", StringComparison.Ordinal), $"{status}: {statusText}");
            // It runs the installed copy, not the clone's build.
            var launcher = (await File.ReadAllLinesAsync(Path.Combine(prefix, "bin", "bitdust"))).Single(l => l.StartsWith("exec ", StringComparison.Ordinal));
            Assert.Contains(Path.Combine(prefix, "lib", "bitdust"), launcher, StringComparison.Ordinal);

            var (removed, removedText) = await RunAsync(script, home, "--prefix", prefix, "--uninstall");
            Assert.True(removed == 0, removedText);
            Assert.False(File.Exists(Path.Combine(prefix, "bin", "bitdust")));
            Assert.False(Directory.Exists(Path.Combine(prefix, "lib", "bitdust")));
        }
        finally
        {
            Directory.Delete(prefix, recursive: true);
            Directory.Delete(home, recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, string home, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        start.Environment["BITDUST_HOME"] = home;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        return (process.ExitCode, await output + await error);
    }
}

using System.Diagnostics;
using BitDust.Integration.Tests.Hosts;
using BitDust.Integration.Tests.Storage;

namespace BitDust.Integration.Tests.Node;

/// <summary>
/// <c>scripts/install</c>: bitdust and bitdust-mount on the PATH, working without the clone, and gone again on uninstall; with
/// <c>--service</c>, systemd units that <c>systemd-analyze verify</c> accepts (systemd itself does not run here, so the commands
/// the node's unit runs are run as systemd would: its ExecStart with its environment, stopped with its KillSignal).
/// </summary>
[Collection(LocalnetCollection.Name)]
public sealed class InstallTests
{
    [Fact]
    public async Task Install_puts_bitdust_and_bitdust_mount_on_a_prefix_that_runs_without_the_clone_and_uninstall_removes_them()
    {
        var prefix = Directory.CreateTempSubdirectory("bitdust-install-").FullName;
        var home = Directory.CreateTempSubdirectory("bitdust-install-home-").FullName;
        var units = Path.Combine(prefix, "units");
        var serviceHome = Path.Combine(prefix, "service-home");
        try
        {
            var script = Path.Combine(HostNetwork.RepositoryRoot, "scripts", "install");
            var (refused, refusal) = await RunAsync(script, home, "--prefix", prefix, "--service", "--home", "relative/home");
            Assert.True(refused == 2 && refusal.Contains("--home must be an absolute path", StringComparison.Ordinal), refusal);
            var (installed, printed) = await RunAsync(script, home, "--prefix", prefix,
                "--service", "--unit-dir", units, "--home", serviceHome, "--mount", "/mnt/bit dust");
            Assert.True(installed == 0, $"scripts/install exited {installed}: {printed}");
            Assert.Contains($"installed: {prefix}/bin/bitdust and {prefix}/bin/bitdust-mount", printed, StringComparison.Ordinal);
            Assert.Contains("checked with systemd-analyze verify", printed, StringComparison.Ordinal);
            Assert.Contains(@"bitdust-mount@mnt-bit\x20dust.service", printed, StringComparison.Ordinal);
            await RunsAsSystemdWouldAsync(Path.Combine(units, "bitdust.service"), serviceHome);
            var mount = Unit(Path.Combine(units, "bitdust-mount@.service"));
            Assert.Equal($"{prefix}/lib/bitdust/bitdust mount %f", mount["ExecStart"]);
            Assert.Equal($"{prefix}/lib/bitdust/bitdust mount --unmount %f", mount["ExecStop"]);
            Assert.Equal("bitdust.service", mount["Requires"]);

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

            var (removed, removedText) = await RunAsync(script, home, "--prefix", prefix, "--uninstall", "--unit-dir", units);
            Assert.True(removed == 0, removedText);
            Assert.False(File.Exists(Path.Combine(units, "bitdust.service")), removedText);
            Assert.False(File.Exists(Path.Combine(prefix, "bin", "bitdust")));
            Assert.False(Directory.Exists(Path.Combine(prefix, "lib", "bitdust")));
        }
        finally
        {
            Directory.Delete(prefix, recursive: true);
            Directory.Delete(home, recursive: true);
        }
    }

    /// <summary>
    /// Starts the unit's ExecStart with its Environment, as systemd would; the node answers <c>bitdust status</c>, and the unit's
    /// KillSignal stops it cleanly (exit 0) within its TimeoutStopSec.
    /// </summary>
    private static async Task RunsAsSystemdWouldAsync(string unitFile, string serviceHome)
    {
        var unit = Unit(unitFile);
        Assert.Equal($"BITDUST_HOME={serviceHome}", unit["Environment"]);
        Assert.Equal(("SIGTERM", "on-failure"), (unit["KillSignal"], unit["Restart"]));
        var command = unit["ExecStart"].Split(' ');
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in command[1..])
            start.ArgumentList.Add(argument);
        start.Environment["BITDUST_HOME"] = serviceHome;
        using var node = Process.Start(start)!;
        var output = node.StandardOutput.ReadToEndAsync();
        var error = node.StandardError.ReadToEndAsync();
        try
        {
            var cli = command[0];
            await LocalnetFixture.PollAsync(async () =>
                (await RunAsync(cli, serviceHome, "status")).ExitCode == 0 ? "answering" : null,
                TimeSpan.FromSeconds(60), () => $"the node started as the unit says did not answer `bitdust status`");
        }
        finally
        {
            await Drive.MountedDrive.ShellOkAsync($"kill -{unit["KillSignal"]} {node.Id}");
        }
        var stopped = node.WaitForExitAsync();
        var timeout = TimeSpan.FromSeconds(int.Parse(unit["TimeoutStopSec"], System.Globalization.CultureInfo.InvariantCulture));
        if (await Task.WhenAny(stopped, Task.Delay(timeout)) != stopped)
        {
            node.Kill();
            Assert.Fail($"the node did not stop within TimeoutStopSec={timeout.TotalSeconds} s of SIGTERM");
        }
        Assert.True(node.ExitCode == 0, $"the node exited {node.ExitCode} on SIGTERM: {await output}{await error}");
    }

    /// <summary>A unit file's keys and values (each key once in the units we write).</summary>
    private static Dictionary<string, string> Unit(string path) => File.ReadLines(path)
        .Where(l => l.Contains('=', StringComparison.Ordinal) && !l.StartsWith('#'))
        .Select(l => l.Split('=', 2))
        .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);

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

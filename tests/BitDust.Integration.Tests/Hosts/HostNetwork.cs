using System.Diagnostics;
using BitDust.Integration.Tests.Drive;
using BitDust.Integration.Tests.Storage;

namespace BitDust.Integration.Tests.Hosts;

/// <summary>
/// Several hosts on this machine, made by <c>scripts/hosts up</c> (the one place the namespaces, the wan bridge and the NAT
/// gateways are set up): a network namespace per host, NAT'd hosts behind a masquerading gateway each. Each host runs at most
/// one BitDust node, with its home under <see cref="Folder"/>. The prefix names the namespaces (PREFIX-host-a) and the
/// folder (/tmp/bitdust-hosts-PREFIX), so whatever a crashed earlier run with the same prefix left — mounts, daemons,
/// namespaces, homes — is found and removed at start; disposal removes the same, whatever state the test left.
/// </summary>
public sealed class HostNetwork : IAsyncDisposable
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(60);
    private readonly List<Host> _hosts = [];
    private bool _disposed;

    private HostNetwork(string prefix)
    {
        Prefix = prefix;
        Folder = Path.Combine(Path.GetTempPath(), $"bitdust-hosts-{prefix}");
    }

    public string Prefix { get; }

    /// <summary>The hosts' homes (homes/NAME) and the test's files (work/).</summary>
    public string Folder { get; }

    public string WorkFolder => Directory.CreateDirectory(Path.Combine(Folder, "work")).FullName;

    public IReadOnlyList<Host> Hosts => _hosts;

    public Host this[string name] => _hosts.SingleOrDefault(h => h.Name == name)
        ?? throw new ArgumentException($"no host {name} in {Prefix}: {string.Join(", ", _hosts.Select(h => h.Name))}", nameof(name));

    /// <summary>The repository this test binary was built from: scripts/hosts is run from there.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>Wan hosts <paramref name="hosts"/> and NAT'd hosts <paramref name="nat"/>, after removing any leftover of the prefix.</summary>
    public static async Task<HostNetwork> StartAsync(string prefix, IReadOnlyList<string> hosts, IReadOnlyList<string>? nat = null)
    {
        var network = new HostNetwork(prefix);
        try
        {
            await network.CleanUpAsync();
            Directory.CreateDirectory(network.Folder);
            string[] arguments = ["up", .. hosts.Count > 0 ? ["--hosts", string.Join(',', hosts)] : Array.Empty<string>(),
                .. nat is { Count: > 0 } ? ["--nat", string.Join(',', nat)] : Array.Empty<string>()];
            var listing = await network.ScriptOkAsync(arguments);
            // HOST ROLE ADDRESS PUBLIC LINK, after a header line.
            foreach (var row in listing.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Skip(1))
            {
                var fields = row.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                network._hosts.Add(new Host(network, fields[0], behindNat: fields[1] == "nat", fields[2], fields[3]));
            }
            var missing = hosts.Concat(nat ?? []).Except(network._hosts.Select(h => h.Name)).ToList();
            Assert.True(missing.Count == 0, $"scripts/hosts up made no {string.Join(", ", missing)}:\n{listing}");
            return network;
        }
        catch
        {
            await network.DisposeAsync();
            throw;
        }
    }

    /// <summary><c>scripts/hosts COMMAND --prefix PREFIX ARGS</c> as a process to start.</summary>
    internal ProcessStartInfo ScriptStartInfo(IEnumerable<string> arguments)
    {
        var list = arguments.ToList();
        return new ProcessStartInfo(Path.Combine(RepositoryRoot, "scripts", "hosts"), [list[0], "--prefix", Prefix, .. list.Skip(1)]);
    }

    /// <summary><c>scripts/hosts ARGS</c> that must succeed; what it printed.</summary>
    internal async Task<string> ScriptOkAsync(params string[] arguments)
    {
        var (exit, output) = await RunAsync(ScriptStartInfo(arguments), ScriptTimeout);
        Assert.True(exit == 0, $"scripts/hosts {string.Join(' ', arguments)} exited {exit}: {output}");
        return output;
    }

    /// <summary>Runs a process to its end within <paramref name="timeout"/> (killed after it); its exit code and all it printed.</summary>
    internal static async Task<(int ExitCode, string Output)> RunAsync(ProcessStartInfo start, TimeSpan timeout)
    {
        var (exit, output, error) = await ChildProcess.RunAsync(start, timeout);
        return (exit, output + error);
    }

    /// <summary>Unmounts the drives, stops the daemons (by pid) and removes the namespaces and the folder, in that order.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
            return;
        _disposed = true;
        await CleanUpAsync();
    }

    /// <summary>
    /// Every step runs even when one before failed; the first failure is thrown at the end. A mount is detached first (a dead
    /// FUSE mount would stop the folder's removal), a daemon is killed only when its BITDUST_HOME is in this network's folder,
    /// and <c>scripts/hosts down</c> then stops anything else still running in the namespaces.
    /// </summary>
    private async Task CleanUpAsync()
    {
        var failures = new List<Exception>();
        async Task Step(Func<Task> step)
        {
            try
            {
                await step();
            }
            catch (Exception e)
            {
                failures.Add(e);
            }
        }
        foreach (var mountPoint in MountPointsUnder(Folder))
            await Step(() => MountedDrive.ShellOkAsync($"fusermount3 -u -z '{mountPoint}' || umount -l '{mountPoint}'"));
        foreach (var pid in DaemonPidsUnder(Folder))
            await Step(() => KillAsync(pid));
        await Step(() => ScriptOkAsync("down"));
        await Step(() =>
        {
            if (Directory.Exists(Folder))
                Directory.Delete(Folder, recursive: true);
            return Task.CompletedTask;
        });
        if (failures.Count > 0)
            throw new AggregateException($"cleaning up the hosts of {Prefix} failed", failures);
    }

    private static IEnumerable<string> MountPointsUnder(string folder) =>
        File.ReadLines("/proc/self/mountinfo").Select(l => l.Split(' ')).Where(f => f.Length > 4)
            .Select(f => f[4].Replace("\\040", " ", StringComparison.Ordinal))
            .Where(p => p.StartsWith(folder + "/", StringComparison.Ordinal)).OrderByDescending(p => p.Length).ToList();

    private static IEnumerable<int> DaemonPidsUnder(string folder)
    {
        var homes = Path.Combine(folder, "homes");
        return Directory.Exists(homes)
            ? Directory.GetDirectories(homes).Select(h => new BitDustCli(h).DaemonPid()).OfType<int>()
                .Where(pid => LocalnetFixture.RunsUnder(pid, homes)).ToList()
            : [];
    }

    private static async Task KillAsync(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill(entireProcessTree: true);
        }
        catch (ArgumentException)
        {
            return;
        }
        await LocalnetFixture.WaitGoneAsync(pid, TimeSpan.FromSeconds(10));
    }

    private static string FindRepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "scripts", "hosts")) && File.Exists(Path.Combine(folder.FullName, "BitDust.sln")))
                return folder.FullName;
        }
        throw new InvalidOperationException($"no repository with scripts/hosts above {AppContext.BaseDirectory}");
    }
}

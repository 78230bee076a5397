using System.Diagnostics;
using BitDust.Integration.Tests.Storage;

namespace BitDust.Integration.Tests.Drive;

/// <summary>A drive mounted through the CLI (bitdust mount) for one node; disposing detaches it whatever state it is in.</summary>
internal sealed class MountedDrive : IAsyncDisposable
{
    private MountedDrive(BitDustCli node, string path)
    {
        Node = node;
        Path = path;
    }

    public BitDustCli Node { get; }

    public string Path { get; }

    public static async Task<MountedDrive> MountAsync(BitDustCli node, string path, params string[] options)
    {
        await node.RunOkAsync(["mount", path, .. options]);
        Assert.True(IsMounted(path), $"{path} is not a mount point after bitdust mount");
        return new MountedDrive(node, path);
    }

    public static bool IsMounted(string path) =>
        File.ReadLines("/proc/self/mountinfo").Select(l => l.Split(' ')).Any(f => f.Length > 4 && f[4] == path);

    /// <summary>Runs a shell command; returns its exit code and what it printed.</summary>
    public static async Task<(int ExitCode, string Output)> ShellAsync(string command)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", ["-c", command])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(LocalnetFixture.TransferTimeout);
        return (process.ExitCode, await output + await error);
    }

    public static async Task ShellOkAsync(string command)
    {
        var (exit, output) = await ShellAsync(command);
        Assert.True(exit == 0, $"`{command}` exited {exit}: {output}");
    }

    /// <summary>Every file under <paramref name="root"/>: its SHA-256, permission bits and modification time (whole seconds).</summary>
    public static SortedDictionary<string, (string Hash, UnixFileMode Mode, long Modified)> Snapshot(string root) => new(
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).ToDictionary(
            f => System.IO.Path.GetRelativePath(root, f),
            f => (TestFiles.Sha256(f), File.GetUnixFileMode(f), new DateTimeOffset(File.GetLastWriteTimeUtc(f)).ToUnixTimeSeconds())),
        StringComparer.Ordinal);

    private bool _keep;

    /// <summary>Leaves the mount as it is on dispose (to see what a killed node leaves behind).</summary>
    public MountedDrive KeepOnDispose()
    {
        _keep = true;
        return this;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_keep && IsMounted(Path))
            await ShellAsync($"fusermount3 -u -z '{Path}'");
    }
}

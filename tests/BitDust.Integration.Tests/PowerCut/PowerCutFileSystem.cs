using System.Diagnostics;
using System.Globalization;
using BitDust.Integration.Tests.Drive;

namespace BitDust.Integration.Tests.PowerCut;

/// <summary>
/// powercutfs (powercutfs.c, compiled here with gcc against libfuse3) mounted over a fresh folder: a file system on which
/// <see cref="CutAsync"/> loses every byte written since its file was last synced, as a power cut does. A node whose home lives
/// on it can then be killed at a crash point and started again on exactly what it made durable. Disposing unmounts it and
/// removes both folders.
/// </summary>
internal sealed class PowerCutFileSystem : IAsyncDisposable
{
    private static readonly SemaphoreSlim Building = new(1, 1);
    private static string? _binary;

    private readonly Process _process;
    private readonly string _root;

    private PowerCutFileSystem(Process process, string root)
    {
        _process = process;
        _root = root;
    }

    /// <summary>Where it is mounted: what a node's home is put on.</summary>
    public string MountPoint => Path.Combine(_root, "mount");

    public static async Task<PowerCutFileSystem> MountAsync()
    {
        var binary = await BuildAsync();
        var root = Directory.CreateTempSubdirectory("bitdust-powercut-").FullName;
        Directory.CreateDirectory(Path.Combine(root, "backing"));
        Directory.CreateDirectory(Path.Combine(root, "mount"));
        var process = Process.Start(new ProcessStartInfo(binary, [Path.Combine(root, "backing"), Path.Combine(root, "mount")])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        })!;
        var disk = new PowerCutFileSystem(process, root);
        var first = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
        if (first != "mounted")
        {
            await disk.DisposeAsync();
            Assert.Fail($"powercutfs did not mount: {first}{await process.StandardError.ReadToEndAsync()}");
        }
        return disk;
    }

    /// <summary>The power goes: what was not synced is gone. Returns how many files lost something.</summary>
    public async Task<int> CutAsync()
    {
        await _process.StandardInput.WriteLineAsync("cut");
        await _process.StandardInput.FlushAsync();
        var answer = await _process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(answer?.StartsWith("ok ", StringComparison.Ordinal) == true, $"powercutfs answered \"{answer}\" to cut");
        return int.Parse(answer![3..], CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        if (MountedDrive.IsMounted(MountPoint))
            await MountedDrive.ShellAsync($"fusermount3 -u -z '{MountPoint}'");
        if (!_process.WaitForExit(TimeSpan.FromSeconds(10)))
            _process.Kill();
        _process.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    /// <summary>Compiles powercutfs once per test run.</summary>
    private static async Task<string> BuildAsync()
    {
        await Building.WaitAsync();
        try
        {
            if (_binary is not null)
                return _binary;
            var source = Path.Combine(AppContext.BaseDirectory, "PowerCut", "powercutfs.c");
            var binary = Path.Combine(Directory.CreateTempSubdirectory("bitdust-powercutfs-").FullName, "powercutfs");
            var (exit, output) = await MountedDrive.ShellAsync(
                $"gcc -O2 -Wall -o '{binary}' '{source}' $(pkg-config --cflags --libs fuse3) -lpthread");
            Assert.True(exit == 0, $"powercutfs did not compile (apt-get install -y gcc pkg-config libfuse3-dev): {output}");
            return _binary = binary;
        }
        finally
        {
            Building.Release();
        }
    }
}

using System.Diagnostics;
using System.Globalization;

namespace BitDust.Engine.Tests.Storage.Supplier;

/// <summary>
/// A tiny tmpfs mounted over a folder for the length of a test, so writes meet a real ENOSPC. Mounting needs root, as the
/// test command runs (README); without it the test fails with mount's own reason rather than pass unseen.
/// </summary>
internal sealed class SmallDisk : IDisposable
{
    private readonly string _folder;

    private SmallDisk(string folder) => _folder = folder;

    public static SmallDisk Mount(string folder, int sizeKiB)
    {
        Run("mount", "-t", "tmpfs", "-o", string.Create(CultureInfo.InvariantCulture, $"size={sizeKiB}k"), "tmpfs", folder);
        return new SmallDisk(folder);
    }

    public void Dispose() => Run("umount", "-l", _folder);

    private static void Run(string command, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromSeconds(10)) || process.ExitCode != 0)
            throw new InvalidOperationException($"{command} {string.Join(' ', arguments)} failed: {error}");
    }
}

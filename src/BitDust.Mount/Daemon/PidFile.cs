using System.Diagnostics;
using System.Globalization;
using BitDust.Engine.Configuration;
using BitDust.Engine.Storage;

namespace BitDust.Mount.Daemon;

/// <summary>The running daemon's pid, in the home: how the CLI finds and stops it.</summary>
internal static class PidFile
{
    public static Task WriteAsync(NodeHome home, CancellationToken cancellationToken) =>
        AtomicFile.WriteAsync(home.PidFile, System.Text.Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture)),
            cancellationToken: cancellationToken);

    /// <summary>The pid of a live process recorded in the home, or null (no file, garbage, or the process is gone).</summary>
    public static int? ReadLivePid(NodeHome home)
    {
        if (!File.Exists(home.PidFile))
            return null;
        if (!int.TryParse(File.ReadAllText(home.PidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid <= 0)
            return null;
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited ? null : pid;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Removes the pid file if it is this process's (a newer daemon may have replaced it).</summary>
    public static void Delete(NodeHome home)
    {
        if (File.Exists(home.PidFile) &&
            File.ReadAllText(home.PidFile).Trim() == Environment.ProcessId.ToString(CultureInfo.InvariantCulture))
            File.Delete(home.PidFile);
    }
}

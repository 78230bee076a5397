using System.Diagnostics;
using System.Globalization;
using BitDust.Engine.Common;

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
        string text;
        try
        {
            text = File.ReadAllText(home.PidFile);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            // No node, or one that removed its file as it stopped (between any check and this read).
            return null;
        }
        if (!int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid <= 0)
            return null;
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited || IsZombie(pid) ? null : pid;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    // A daemon killed with SIGKILL stays a zombie until its parent (init, for a detached daemon) reaps it: it is gone all the same.
    private static bool IsZombie(int pid)
    {
        if (!OperatingSystem.IsLinux())
            return false;
        try
        {
            // /proc/PID/stat: "pid (comm) S ...", comm may hold spaces and parentheses, the state follows the last ')'.
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            var end = stat.LastIndexOf(')');
            return end > 0 && end + 2 < stat.Length && stat[end + 2] == 'Z';
        }
        catch (IOException)
        {
            return false;
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

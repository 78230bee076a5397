using System.Runtime.InteropServices;

namespace BitDust.Mount.Cli;

/// <summary>kill(2): .NET can only send SIGKILL; stopping a daemon politely needs SIGTERM.</summary>
internal static partial class Posix
{
    public const int SigTerm = 15;

    public static bool SendSignal(int pid, int signal) => Kill(pid, signal) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}

using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace BitDust.Integration.Tests.Hosts;

/// <summary>
/// Sockets of the test process inside a host's network namespace. A socket belongs to the namespace of the thread that made
/// it and stays there, so each is made on a short-lived thread of its own that first joins the namespace (setns(2)): no
/// thread that runs anything else ever leaves this machine's namespace.
/// </summary>
internal static partial class NetworkNamespace
{
    private const int CloneNewNet = 0x40000000;

    /// <summary>An IPv4 socket in the namespace at <paramref name="path"/> (/run/netns/NAME).</summary>
    public static Socket OpenSocket(string path, SocketType type, ProtocolType protocol)
    {
        Socket? socket = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var handle = File.OpenHandle(path);
                if (SetNamespace(handle.DangerousGetHandle(), CloneNewNet) != 0)
                    throw new IOException($"setns({path}) failed with errno {Marshal.GetLastPInvokeError()}");
                socket = new Socket(AddressFamily.InterNetwork, type, protocol);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or SocketException)
            {
                failure = e;
            }
        }) { IsBackground = true };
        thread.Start();
        thread.Join();
        return socket ?? throw new IOException($"no socket in the network namespace {path}: {failure?.Message}", failure);
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNamespace(nint fd, int type);
}

using System.Diagnostics;
using System.Globalization;

namespace BitDust.Engine.Storage;

/// <summary>
/// Places where a test can make this process die as a power cut would: with <see cref="Variable"/> set to NAME:N, the N-th
/// pass through NAME kills the process on the spot (SIGKILL: no cleanup, no flush). The crash-consistency tests run a node on a
/// file system that then drops whatever was not synced, and check that nothing closed and synced is lost and no key or nonce
/// is used twice. Unset, a pass costs one comparison.
/// </summary>
public static class CrashPoint
{
    public const string Variable = "BITDUST_TEST_CRASH_AT";

    /// <summary>A block's entry is on disk, before any of its fragments is sent.</summary>
    public const string BlockSaved = "block-saved";

    /// <summary>A supplier answered a fragment put of an upload or a rebuild, before the catalog records it.</summary>
    public const string FragmentStored = "fragment-stored";

    /// <summary>A version's manifest is kept: it is readable.</summary>
    public const string ManifestKept = "manifest-kept";

    /// <summary>A version is complete, before the versions it lets go are deleted.</summary>
    public const string VersionComplete = "version-complete";

    /// <summary>A catalog backup is on the suppliers and its version noted in the catalog, before anything else happens.</summary>
    public const string CatalogBackedUp = "catalog-backed-up";

    /// <summary>The drive queued a closed copy in the catalog, before its batch is synced.</summary>
    public const string CopyQueued = "copy-queued";

    /// <summary>The drive synced a batch's copies, before its job starts.</summary>
    public const string BatchSynced = "batch-synced";

    private static readonly (string Name, int Count)? Armed = Parse(Environment.GetEnvironmentVariable(Variable));
    private static int _passes;

    public static void Pass(string name)
    {
        if (Armed is not { } armed || armed.Name != name || Interlocked.Increment(ref _passes) != armed.Count)
            return;
        Process.GetCurrentProcess().Kill();
        Thread.Sleep(Timeout.Infinite);
    }

    private static (string, int)? Parse(string? value) =>
        value?.Split(':') is [var name, var count] &&
        int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? (name, n)
            : null;
}

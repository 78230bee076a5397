using System.Threading.Channels;
using BitDust.Engine.Common;
using BitDust.Engine.Pipeline;
using BitDust.Engine.Storage;
using BitDust.Engine.Storage.Customer;
using BitDust.Engine.Storage.Customer.Records;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BitDust.Fs.Stubs;

/// <summary>
/// Keeps a folder (<c>$BITDUST_HOME/stubs</c>) holding <c>REMOTE.f</c> for every catalog file with a readable version: the
/// stub of its newest readable version, with the file's mode and time, and the file's time as the stub's own. Stubs of files
/// no longer in the catalog go, with the folders they leave empty; other files in the folder are left alone. A stub is
/// rewritten only when its version, mode or time changed, so a pass over an unchanged catalog writes nothing.
/// Reconciles on start and, debounced, after every <see cref="Catalog.Changed"/>. The versions its stubs point at are pinned
/// in the catalog (<see cref="Catalog.MirrorHolder"/>) before a stub is written, and unpinned only once no stub points at them,
/// so max-copies never lets go of a version a stub here leads to.
/// </summary>
public sealed partial class StubMirror
{
    /// <summary>Changes closer together than this are one pass: an upload of many files changes the catalog many times.</summary>
    public static readonly TimeSpan DefaultDebounce = TimeSpan.FromSeconds(1);

    private readonly CustomerStorage _storage;
    private readonly TimeSpan _debounce;
    private readonly ILogger _logger;
    private readonly Channel<bool> _changes =
        Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly SemaphoreSlim _pass = new(1, 1);

    /// <summary>What each stub this mirror wrote or checked holds, so later passes need not read it again.</summary>
    private readonly Dictionary<string, StubIdentity> _known = new(StringComparer.Ordinal);

    /// <summary>The versions the catalog pins for this mirror (null until the first pass set them).</summary>
    private HashSet<FileVersion>? _pinned;

    public StubMirror(CustomerStorage storage, string folder, ILogger? logger = null, TimeSpan? debounce = null)
    {
        _storage = storage;
        Folder = Path.GetFullPath(folder);
        _debounce = debounce ?? DefaultDebounce;
        _logger = logger ?? NullLogger.Instance;
    }

    public string Folder { get; }

    /// <summary>Where the stub of <paramref name="remotePath"/> lives.</summary>
    public string StubPathOf(string remotePath) =>
        Path.Combine(Folder, remotePath.Replace(RemotePath.Separator, Path.DirectorySeparatorChar) + Stub.Extension);

    /// <summary>Reconciles now, then after each change of the catalog, until <paramref name="cancellationToken"/> is canceled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var catalog = _storage.Catalog;
        catalog.Changed += OnCatalogChanged;
        try
        {
            while (true)
            {
                try
                {
                    await ReconcileAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    LogPassFailed(_logger, Folder, e.Message);
                }
                await _changes.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                await Task.Delay(_debounce, cancellationToken).ConfigureAwait(false);
                _changes.Reader.TryRead(out _);
            }
        }
        finally
        {
            catalog.Changed -= OnCatalogChanged;
        }
    }

    private void OnCatalogChanged() => _changes.Writer.TryWrite(true);

    /// <summary>One pass: writes missing and outdated stubs, removes those of files the catalog no longer holds.</summary>
    public async Task<StubMirrorPass> ReconcileAsync(CancellationToken cancellationToken)
    {
        await _pass.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var wanted = Wanted();
            var previously = _pinned ?? [];
            PinOnly([.. previously, .. wanted.Values.Select(w => w.Version.File)]);
            var removed = RemoveUnwanted(wanted);
            int written = 0, kept = 0, failed = 0;
            foreach (var (path, (remotePath, version)) in wanted)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var (mode, modified) = _storage.StubAttributes(remotePath, version);
                var identity = new StubIdentity(version.File, mode, modified.ToUnixTimeMilliseconds());
                if (Holds(path, identity))
                {
                    kept++;
                    continue;
                }
                try
                {
                    await AtomicFile.WriteAsync(path, _storage.CreateStub(remotePath, version), cancellationToken: cancellationToken)
                        .ConfigureAwait(false);
                    File.SetLastWriteTimeUtc(path, modified.UtcDateTime);
                    _known[path] = identity;
                    written++;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // A remote file "a" beside a remote folder "a.f" cannot both have a stub; the others still do.
                    LogStubFailed(_logger, path, e.Message);
                    failed++;
                }
            }
            var held = _known.Where(k => File.Exists(k.Key)).Select(k => k.Value.File).ToHashSet();
            var released = _pinned!.Except(held).Select(f => f.FileId).Distinct().ToList();
            PinOnly(held);
            foreach (var fileId in released)
                await _storage.PruneAsync(fileId, cancellationToken).ConfigureAwait(false);
            var pass = new StubMirrorPass(written, removed, kept, failed);
            if (written + removed + failed > 0)
                LogPass(_logger, Folder, written, removed, kept, failed);
            return pass;
        }
        finally
        {
            _pass.Release();
        }
    }

    /// <summary>Makes the catalog pin exactly <paramref name="versions"/> for this mirror (nothing written when it does already).</summary>
    private void PinOnly(HashSet<FileVersion> versions)
    {
        if (_pinned is not null && _pinned.SetEquals(versions))
            return;
        _storage.Catalog.ReplacePins(Catalog.MirrorHolder, versions);
        _pinned = versions;
    }

    /// <summary>Stub path → the file and version it should hold, for every file with a readable version.</summary>
    private Dictionary<string, (string RemotePath, CatalogVersion Version)> Wanted()
    {
        var catalog = _storage.Catalog;
        var wanted = new Dictionary<string, (string, CatalogVersion)>(StringComparer.Ordinal);
        foreach (var file in catalog.Files())
        {
            // The catalog only takes valid remote paths; checking again keeps a stub from landing outside the folder regardless.
            if (RemotePath.Validate(file.RemotePath) is not null)
                continue;
            if (catalog.LatestReadable(file.FileId) is { } version)
                wanted[StubPathOf(file.RemotePath)] = (file.RemotePath, version);
        }
        return wanted;
    }

    /// <summary>True when the stub at <paramref name="path"/> already holds <paramref name="identity"/>.</summary>
    private bool Holds(string path, StubIdentity identity)
    {
        if (!File.Exists(path))
            return false;
        if (_known.TryGetValue(path, out var known))
            return known == identity;
        // Written by an earlier run: read it once. One that does not read (damaged, another identity's) is rewritten.
        var info = new FileInfo(path);
        if (info.Length > Stub.MaxSize || !Stub.TryRead(File.ReadAllBytes(path), _storage.OwnerKey, out var stub, out _))
            return false;
        var found = new StubIdentity(stub.Manifest.File, stub.Mode, stub.Modified.ToUnixTimeMilliseconds());
        _known[path] = found;
        return found == identity;
    }

    private int RemoveUnwanted(Dictionary<string, (string, CatalogVersion)> wanted)
    {
        if (!Directory.Exists(Folder))
            return 0;
        var removed = 0;
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint };
        foreach (var file in Directory.EnumerateFiles(Folder, "*", options).ToList())
        {
            var name = Path.GetFileName(file);
            var leftover = name.StartsWith('.') && name.EndsWith(AtomicFile.TempSuffix, StringComparison.Ordinal);
            if (!leftover && (!name.EndsWith(Stub.Extension, StringComparison.Ordinal) || wanted.ContainsKey(file)))
                continue;
            AtomicFile.Delete(file);
            _known.Remove(file);
            if (!leftover)
                removed++;
        }
        RemoveEmptyFolders(Folder, isRoot: true);
        return removed;
    }

    private static void RemoveEmptyFolders(string folder, bool isRoot)
    {
        foreach (var child in Directory.EnumerateDirectories(folder).ToList())
        {
            if (!new DirectoryInfo(child).Attributes.HasFlag(FileAttributes.ReparsePoint))
                RemoveEmptyFolders(child, isRoot: false);
        }
        if (!isRoot && !Directory.EnumerateFileSystemEntries(folder).Any())
            Directory.Delete(folder);
    }

    /// <summary>What makes two stubs of a file the same: the version, and the mode and time (to the stub's millisecond).</summary>
    private readonly record struct StubIdentity(FileVersion File, int Mode, long ModifiedMs);

    [LoggerMessage(5300, LogLevel.Information,
        "stubs in {Folder}: {Written} written, {Removed} removed, {Kept} unchanged, {Failed} failed")]
    private static partial void LogPass(ILogger logger, string folder, int written, int removed, int kept, int failed);

    [LoggerMessage(5301, LogLevel.Warning, "stub {Path} could not be written: {Reason}")]
    private static partial void LogStubFailed(ILogger logger, string path, string reason);

    [LoggerMessage(5302, LogLevel.Warning, "stubs in {Folder} could not be brought up to date: {Reason}; trying again at the next change")]
    private static partial void LogPassFailed(ILogger logger, string folder, string reason);
}

using System.Collections.Concurrent;
using BitDust.Engine.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BitDust.Engine.Identity;

/// <summary>
/// The identity documents an identity server holds: one file per name (<c>name.json</c>, the exact signed bytes) in a folder,
/// replaced atomically, loaded at start. A file's modification time is when its identity was last published, so expiry
/// survives restarts. Reads are lock-free; accepts and sweeps are serialised.
/// </summary>
public sealed class IdentityStore : IDisposable
{
    public const string FileExtension = ".json";

    /// <summary>BitDust forgets identities nobody re-published for a long time; half a year unless configured.</summary>
    public static readonly TimeSpan DefaultMaxAge = TimeSpan.FromDays(180);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    private IdentityStore(string folder, TimeSpan maxAge, TimeProvider time, ILogger logger)
    {
        Folder = folder;
        MaxAge = maxAge;
        _time = time;
        _logger = logger;
    }

    public string Folder { get; }

    /// <summary>How long an identity is kept without being published again.</summary>
    public TimeSpan MaxAge { get; }

    public int Count => _entries.Count;

    /// <summary>Opens (creating if needed) the store in <paramref name="folder"/> and loads every valid document in it.</summary>
    public static async Task<IdentityStore> OpenAsync(string folder, TimeSpan? maxAge = null, TimeProvider? time = null,
        ILogger<IdentityStore>? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        var age = maxAge ?? DefaultMaxAge;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(age, TimeSpan.Zero);
        Directory.CreateDirectory(folder);
        var store = new IdentityStore(Path.GetFullPath(folder), age, time ?? TimeProvider.System, logger ?? NullLogger<IdentityStore>.Instance);
        await store.LoadAsync(cancellationToken).ConfigureAwait(false);
        return store;
    }

    /// <summary>The names held, sorted.</summary>
    public IReadOnlyList<string> Names() => [.. _entries.Keys.Order(StringComparer.Ordinal)];

    public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IdentityDocument? document)
    {
        document = _entries.TryGetValue(name, out var entry) ? entry.Document : null;
        return document is not null;
    }

    /// <summary>Parses, judges and, when accepted, durably stores <paramref name="encoded"/>.</summary>
    public async Task<IdentityAcceptance> AcceptAsync(ReadOnlyMemory<byte> encoded, CancellationToken cancellationToken)
    {
        if (!IdentityDocument.TryParse(encoded.Span, out var offered, out var error))
            return Refused(IdentityAcceptance.Malformed(error));
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _entries.TryGetValue(offered.Name, out var held);
            var acceptance = IdentityAcceptance.Judge(held?.Document, offered);
            if (!acceptance.IsAccepted)
                return Refused(acceptance);
            var path = PathOf(offered.Name);
            if (acceptance.Verdict == IdentityVerdict.Accepted)
                await AtomicFile.WriteAsync(path, offered.Encoded, cancellationToken: cancellationToken).ConfigureAwait(false);
            var now = _time.GetUtcNow();
            File.SetLastWriteTimeUtc(path, now.UtcDateTime);
            _entries[offered.Name] = new Entry(acceptance.Document, now);
            _logger.Accepted(acceptance.Document, acceptance.Reason);
            return acceptance;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Forgets every identity not published for <see cref="MaxAge"/>; returns the names forgotten.</summary>
    public async Task<IReadOnlyList<string>> SweepExpiredAsync(CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var oldest = _time.GetUtcNow() - MaxAge;
            var forgotten = new List<string>();
            foreach (var (name, entry) in _entries)
            {
                if (entry.Touched >= oldest)
                    continue;
                AtomicFile.Delete(PathOf(name));
                _entries.TryRemove(name, out _);
                forgotten.Add(name);
                _logger.Expired(name, entry.Touched);
            }
            return forgotten;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public void Dispose() => _writeLock.Dispose();

    private IdentityAcceptance Refused(IdentityAcceptance acceptance)
    {
        _logger.Refused(acceptance.Verdict, acceptance.Reason);
        return acceptance;
    }

    // Names are validated to [a-z0-9_-], so a name is always a safe file name inside the folder.
    private string PathOf(string name) => Path.Combine(Folder, name + FileExtension);

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        // A temporary file is a write that never reached its rename; the previous document is still in place.
        foreach (var temp in Directory.EnumerateFiles(Folder, "*" + AtomicFile.TempSuffix))
            File.Delete(temp);
        foreach (var path in Directory.EnumerateFiles(Folder, "*" + FileExtension))
        {
            var file = Path.GetFileName(path);
            var info = new FileInfo(path);
            if (info.Length > IdentityDocument.MaxSize)
            {
                _logger.SkippedFile(file, $"{info.Length} bytes is over the {IdentityDocument.MaxSize}-byte limit");
                continue;
            }
            var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
            if (!IdentityDocument.TryParse(bytes, out var document, out var error))
            {
                _logger.SkippedFile(file, error);
                continue;
            }
            if (!string.Equals(file, document.Name + FileExtension, StringComparison.Ordinal))
            {
                _logger.SkippedFile(file, $"it holds the identity of {document.Name}");
                continue;
            }
            _entries[document.Name] = new Entry(document, new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero));
        }
        _logger.Loaded(_entries.Count, Folder);
    }

    private sealed record Entry(IdentityDocument Document, DateTimeOffset Touched);
}

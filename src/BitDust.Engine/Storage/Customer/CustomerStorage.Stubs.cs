using System.Collections.Concurrent;
using BitDust.Engine.Common;
using BitDust.Engine.Pipeline;
using BitDust.Engine.Storage.Customer.Records;
using BitDust.Engine.Storage.Customer.Stubs;
using BitDust.Engine.Storage.Customer.Transfers;

namespace BitDust.Engine.Storage.Customer;

/// <summary>
/// Stubs outside the drive: making the stub of a catalog version, turning a stub back into its original (materialize), and
/// replacing a local file by its stub once its upload is durable. A stub is trusted only as far as <see cref="Stub.TryRead"/>
/// and the catalog agree: damaged, foreign and stale stubs are refused with the reason, naming the stub.
/// </summary>
public sealed partial class CustomerStorage
{
    /// <summary>The mode a stub carries when the catalog's tree has none for the file (a file uploaded outside the drive).</summary>
    public const int DefaultStubMode = 0b110_100_100;

    private readonly ConcurrentDictionary<string, StubReplacement> _stubReplacements = new(StringComparer.Ordinal);

    /// <summary>
    /// The signed stub of <paramref name="version"/> of <paramref name="remotePath"/>, with the mode and time the drive's tree
    /// keeps for it, or 0644 and the version's time when it keeps none.
    /// </summary>
    public byte[] CreateStub(string remotePath, CatalogVersion version)
    {
        var signed = version.Manifest ?? throw new InvalidOperationException($"{remotePath} ({version.File}) is not durable yet");
        var (mode, modified) = StubAttributes(remotePath, version);
        return Stub.Create(remotePath, mode, modified, Manifest.Read(signed, OwnerKey), Keys.IdentityKey);
    }

    /// <summary>The mode and time <see cref="CreateStub"/> gives the stub of <paramref name="version"/>.</summary>
    public (int Mode, DateTimeOffset Modified) StubAttributes(string remotePath, CatalogVersion version) =>
        Catalog.FindTreeEntry(remotePath) is { Kind: TreeEntryKind.File } entry
            ? (entry.Mode, entry.Modified)
            : (DefaultStubMode, version.Created);

    /// <summary>
    /// Reads the stub at <paramref name="stubPath"/>; one that is missing, damaged, altered or made by another identity is an
    /// <see cref="ArgumentException"/> naming the file and the reason.
    /// </summary>
    public Stub ReadStub(string stubPath)
    {
        var info = new FileInfo(stubPath);
        if (!info.Exists)
            throw new ArgumentException($"there is no stub at {stubPath}");
        if (info.Length > Stub.MaxSize)
            throw new ArgumentException($"{stubPath} is not a usable stub: it is {info.Length} bytes, more than a stub can be ({Stub.MaxSize})");
        return Stub.TryRead(File.ReadAllBytes(stubPath), OwnerKey, out var stub, out var error)
            ? stub
            : throw new ArgumentException($"{stubPath} is not a usable stub: {error}");
    }

    /// <summary>
    /// Starts writing the original of the stub at <paramref name="stubPath"/> to <paramref name="localPath"/> (default: the stub's
    /// path without ".f"; a folder: the file's name in it), with the stub's mode and time. The version is fetched by the stub's
    /// own manifest; the catalog only has to still hold it, since a deleted version's fragments are gone. An existing file at
    /// the destination is never overwritten.
    /// </summary>
    public Transfer StartMaterialize(string stubPath, string? localPath)
    {
        if (!Path.IsPathFullyQualified(stubPath))
            throw new ArgumentException($"stub_path must be an absolute path, not \"{stubPath}\"");
        var stubFile = Path.GetFullPath(stubPath);
        var stub = ReadStub(stubFile);
        string target;
        if (localPath is null)
        {
            if (!stubFile.EndsWith(Stub.Extension, StringComparison.Ordinal) || stubFile.Length == Stub.Extension.Length)
                throw new ArgumentException($"{stubFile} does not end in {Stub.Extension}, so it has no default place: give local_path (--to)");
            target = stubFile[..^Stub.Extension.Length];
        }
        else
        {
            if (!Path.IsPathFullyQualified(localPath))
                throw new ArgumentException($"local_path must be an absolute path, not \"{localPath}\"");
            target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(localPath));
            if (Directory.Exists(target))
                target = Path.Combine(target, stub.Name.Split(RemotePath.Separator)[^1]);
        }
        if (File.Exists(target) || Directory.Exists(target))
            throw new InvalidOperationException($"{target} already exists; move it away, or materialize {stubFile} elsewhere (--to PATH)");
        var version = stub.Manifest.File;
        if (Catalog.FindVersion(version) is not { Manifest: not null })
        {
            throw new InvalidOperationException($"{stubFile} points at version {version.Version} of {stub.Name}, which was deleted " +
                $"(the catalog no longer holds it, and its fragments are gone); `bitdust file info {stub.Name}` lists the versions kept");
        }
        var manifest = stub.Manifest;
        return StartDownload(stub.Name, target,
            [new DownloadTarget(stub.Name, manifest.Size, () => manifest, target, (stub.Mode, stub.Modified))]);
    }

    /// <summary>
    /// Starts uploading the file at <paramref name="localPath"/> (as its full path, unless <paramref name="remotePath"/> says
    /// otherwise) and, once the upload is durable, replaces it by PATH.f: the version is pinned (never let go by max-copies),
    /// the stub is written and synced, read back, and only then is PATH deleted. PATH stays when the upload fails or PATH
    /// changed meanwhile. Folders, stubs and files ending in ".f" are refused (<see cref="ArgumentException"/>).
    /// </summary>
    public (Transfer Upload, StubReplacement Replacement) StartStub(string localPath, string? remotePath)
    {
        if (!Path.IsPathFullyQualified(localPath))
            throw new ArgumentException($"local_path must be an absolute path, not \"{localPath}\"");
        var local = Path.TrimEndingDirectorySeparator(Path.GetFullPath(localPath));
        if (Directory.Exists(local))
            throw new ArgumentException($"{local} is a folder; a stub replaces one file (stub its files one by one)");
        if (!File.Exists(local))
            throw new ArgumentException($"{local} does not exist");
        if (local.EndsWith(Stub.Extension, StringComparison.Ordinal))
            throw new ArgumentException($"{local} ends in {Stub.Extension}, the stubs' own extension; rename it before making it a stub");
        if (IsStub(local))
            throw new ArgumentException($"{local} is a stub already; `bitdust materialize` turns it back into its file");
        var stubFile = local + Stub.Extension;
        if (File.Exists(stubFile) || Directory.Exists(stubFile))
            throw new InvalidOperationException($"{stubFile} already exists; move it away first, so it is not overwritten");
        // By default the whole path names it in the catalog: two files of one name elsewhere are two files, not two versions.
        var upload = StartUpload(local, remotePath ?? RemotePath.FromLocalPath(local));
        var replacement = new StubReplacement(upload.Id, local, stubFile);
        _stubReplacements[upload.Id] = replacement;
        Run(token => ReplaceByStubAsync(upload, replacement, token));
        return (upload, replacement);
    }

    /// <summary>The replacement that follows the upload <paramref name="id"/>, from this run of the node.</summary>
    public StubReplacement? FindStubReplacement(string id) => _stubReplacements.GetValueOrDefault(id);

    private static bool IsStub(string path)
    {
        Span<byte> start = stackalloc byte[Stub.Magic.Length];
        using var handle = File.OpenHandle(path);
        return RandomAccess.Read(handle, start, 0) == start.Length && start.SequenceEqual(Stub.Magic);
    }

    private async Task ReplaceByStubAsync(Transfer upload, StubReplacement replacement, CancellationToken cancellationToken)
    {
        try
        {
            await upload.WhenDurable.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (upload.State == TransferState.Failed)
            {
                replacement.Fail($"the upload failed, so {replacement.LocalPath} stays: {upload.Error}");
                return;
            }
            var written = await WriteStubOfUploadAsync(upload.Id, replacement, cancellationToken).ConfigureAwait(false);
            AtomicFile.Delete(replacement.LocalPath);
            replacement.Replaced();
            Logger.ReplacedByStub(replacement.LocalPath, replacement.StubPath, written.ToString());
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            replacement.Fail(e is InvalidOperationException or ArgumentException or IOException or UnauthorizedAccessException
                ? e.Message
                : $"{e.GetType().Name}: {e.Message}");
        }
        finally
        {
            if (replacement.State == StubReplacementState.Failed)
                Logger.StubReplacementFailed(replacement.LocalPath, replacement.Error!);
        }
    }

    /// <summary>Writes the stub of the version upload <paramref name="jobId"/> made, when the local file is still what it sent.</summary>
    private async Task<FileVersion> WriteStubOfUploadAsync(string jobId, StubReplacement replacement, CancellationToken cancellationToken)
    {
        var local = replacement.LocalPath;
        var job = Catalog.UploadJobFiles(jobId).SingleOrDefault()
            ?? throw new InvalidOperationException($"the upload job {jobId} of {local} is no longer in the catalog");
        if (job.File is not { } file || Catalog.FindVersion(file) is not { Manifest: { } signed })
            throw new InvalidOperationException($"the version uploaded from {local} is no longer in the catalog; {local} stays");
        var info = new FileInfo(local);
        if (!info.Exists)
            throw new InvalidOperationException($"{local} was removed during its upload; no stub was written");
        if (info.Length != job.Size || info.LastWriteTimeUtc.Ticks != job.LocalModified)
        {
            throw new InvalidOperationException(
                $"{local} changed after its upload began, so it stays (version {file.Version} of {job.RemotePath} holds the earlier " +
                "content); run `bitdust stub` again");
        }
        if (File.Exists(replacement.StubPath))
            throw new InvalidOperationException($"{replacement.StubPath} appeared during the upload; it was left alone and {local} stays");
        var mode = OperatingSystem.IsWindows() ? DefaultStubMode : (int)File.GetUnixFileMode(local);
        var modified = new DateTimeOffset(job.LocalModified, TimeSpan.Zero);
        var bytes = Stub.Create(job.RemotePath, mode, modified, Manifest.Read(signed, OwnerKey), Keys.IdentityKey);
        // Pinned before the stub exists: max-copies never lets go of the version a stub given out points at.
        Catalog.Pin(file, replacement.StubPath);
        await AtomicFile.WriteAsync(replacement.StubPath, bytes, cancellationToken: cancellationToken).ConfigureAwait(false);
        File.SetLastWriteTimeUtc(replacement.StubPath, modified.UtcDateTime);
        // Read back what reached the disk before the original goes: a stub that does not read is no replacement.
        ReadStub(replacement.StubPath);
        return file;
    }
}

using BitDust.Engine.Coding;
using BitDust.Engine.Common;
using BitDust.Engine.Crypto;
using BitDust.Engine.Pipeline;
using BitDust.Engine.Storage.Customer.Families;
using BitDust.Engine.Storage.Customer.Records;
using BitDust.Engine.Storage.Customer.Transfers;

namespace BitDust.Engine.Storage.Customer;

/// <summary>
/// Downloads: each file is decoded from the family into LOCAL.bitdust-partial (its name cut short when that would pass 255
/// bytes), flushed to disk and renamed into place only when every block was verified. On failure the partial file is deleted
/// and the transfer names the blocks and suppliers.
/// </summary>
public sealed partial class CustomerStorage
{
    public const string PartialSuffix = ".bitdust-partial";

    /// <summary>Blocks one VersionReader pass covers; progress is reported between passes.</summary>
    private const int BlocksPerPass = 16;

    /// <summary>
    /// Starts downloading the file at <paramref name="remotePath"/> to <paramref name="localPath"/>, or every file under that
    /// remote folder into the local folder. Unknown paths are a <see cref="RemoteFileNotFoundException"/>.
    /// </summary>
    public Transfer StartDownload(string remotePath, string localPath, long? version = null)
    {
        if (!RemotePath.IsValid(remotePath, out var problem))
            throw new ArgumentException(problem);
        if (!Path.IsPathFullyQualified(localPath))
            throw new ArgumentException($"local_path must be an absolute path, not \"{localPath}\"");
        var local = Path.TrimEndingDirectorySeparator(Path.GetFullPath(localPath));
        var targets = version is { } number ? VersionTarget(remotePath, number, local) : DownloadTargets(remotePath, local);
        return StartDownload(remotePath, local, targets);
    }

    /// <summary>One version of one file, as <c>file info</c> numbers them, for a download of <paramref name="remotePath"/>.</summary>
    private List<DownloadTarget> VersionTarget(string remotePath, long number, string local)
    {
        var file = Catalog.FindFile(remotePath) ?? throw new RemoteFileNotFoundException(remotePath);
        var version = Catalog.FindVersion(new FileVersion(file.FileId, number)) is { Manifest: not null } found
            ? found
            : throw new ArgumentException(
                $"{remotePath} has no readable version {number}; `bitdust file info {remotePath}` lists those kept");
        var target = Directory.Exists(local) ? Path.Combine(local, remotePath.Split(RemotePath.Separator)[^1]) : local;
        return [DownloadTarget.Of(remotePath, version, target, OwnerKey)];
    }

    /// <summary>Registers a download of <paramref name="targets"/> shown as <paramref name="remotePath"/> and starts it.</summary>
    private Transfer StartDownload(string remotePath, string local, List<DownloadTarget> targets)
    {
        var transfer = new Transfer(Transfer.NewId(), TransferKind.Download, remotePath, local, DateTimeOffset.UtcNow);
        transfer.SetTotals(targets.Sum(t => t.Size), targets.Count);
        Transfers.Add(transfer);
        Run(token => RunDownloadAsync(targets, transfer, token));
        return transfer;
    }

    /// <summary>Opens a readable version for reading block by block; the signed manifest is checked against the owner's key.</summary>
    public VersionBlocks OpenBlocks(CatalogVersion version)
    {
        var signed = version.Manifest ?? throw new InvalidOperationException($"{version.File} is not durable yet: it has no manifest");
        return new VersionBlocks(Manifest.Read(signed, Keys.IdentityKey.PublicKey), Keys.MasterKey, Family, Options.RequestTimeout);
    }

    /// <summary>Opens the version a manifest describes (read from a stub, say) for reading block by block.</summary>
    public VersionBlocks OpenBlocks(Manifest manifest) => new(manifest, Keys.MasterKey, Family, Options.RequestTimeout);

    private List<DownloadTarget> DownloadTargets(string remotePath, string local)
    {
        if (Catalog.FindFile(remotePath) is { } file)
        {
            var version = Catalog.LatestReadable(file.FileId)
                ?? throw new InvalidOperationException($"{remotePath} is still uploading: it can be downloaded once it is durable");
            var target = Directory.Exists(local) ? Path.Combine(local, remotePath.Split(RemotePath.Separator)[^1]) : local;
            return [DownloadTarget.Of(remotePath, version, target, OwnerKey)];
        }
        var targets = Catalog.FilesUnder(remotePath)
            .Select(f => (f.RemotePath, Version: Catalog.LatestReadable(f.FileId),
                LocalPath: RemotePath.LocalPathUnder(local, remotePath, f.RemotePath)))
            .Where(t => t.Version is not null)
            .Select(t => DownloadTarget.Of(t.RemotePath, t.Version!, t.LocalPath, OwnerKey))
            .ToList();
        return targets.Count > 0 ? targets : throw new RemoteFileNotFoundException(remotePath);
    }

    private async Task RunDownloadAsync(List<DownloadTarget> targets, Transfer transfer,
        CancellationToken cancellationToken)
    {
        await _downloadSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            transfer.MoveTo(TransferState.Running);
            foreach (var target in targets)
            {
                try
                {
                    await DownloadFileAsync(target, transfer, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    var reason = $"{target.RemotePath}: {e.Message}";
                    transfer.MoveTo(TransferState.Failed, reason);
                    Logger.DownloadFailed(transfer.Id, transfer.RemotePath, reason);
                    return;
                }
                transfer.AddFileDone();
            }
            transfer.MoveTo(TransferState.Complete);
            Logger.DownloadReached(transfer.Id, transfer.RemotePath, transfer.LocalPath, TransferState.Complete);
        }
        finally
        {
            _downloadSlots.Release();
        }
    }

    private async Task DownloadFileAsync(DownloadTarget target, Transfer transfer, CancellationToken cancellationToken)
    {
        var manifest = target.Manifest();
        var localPath = target.LocalPath;
        var folder = Path.GetDirectoryName(localPath)!;
        Directory.CreateDirectory(folder);
        var partial = LocalName.Beside(localPath, "", PartialSuffix);
        try
        {
            using var key = manifest.UnwrapKey(Keys.MasterKey);
            using var decoder = new BlockDecoder(manifest, key, new ReedSolomon(manifest.Scheme));
            var source = new NetworkFragmentSource(Family, Options.RequestTimeout);
            await using (var output = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16,
                FileOptions.Asynchronous))
            {
                var pass = (long)manifest.BlockSize * BlocksPerPass;
                for (var offset = 0L; offset < manifest.Size; offset += pass)
                {
                    var count = Math.Min(pass, manifest.Size - offset);
                    await VersionReader.ReadAsync(decoder, source, output, offset, count, Options.DownloadParallelism, cancellationToken)
                        .ConfigureAwait(false);
                    transfer.AddBytesDone(count);
                }
                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                output.Flush(flushToDisk: true);
            }
            if (target.Attributes is var (mode, modified))
            {
                if (!OperatingSystem.IsWindows())
                    File.SetUnixFileMode(partial, (UnixFileMode)(mode & 0xFFF));
                File.SetLastWriteTimeUtc(partial, modified.UtcDateTime);
            }
            File.Move(partial, localPath, overwrite: true);
            AtomicFile.SyncFolder(folder);
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
    }

    /// <summary>
    /// One file of a download: its name, where it goes, the manifest it is decoded by (read when its turn comes, so a bad one
    /// fails the transfer with the name) and, for a stub's original, the mode and time to give it.
    /// </summary>
    private sealed record DownloadTarget(string RemotePath, long Size, Func<Manifest> Manifest, string LocalPath,
        (int Mode, DateTimeOffset Modified)? Attributes = null)
    {
        public static DownloadTarget Of(string remotePath, CatalogVersion version, string localPath, IdentityPublicKey owner) =>
            new(remotePath, version.Size, () => Pipeline.Manifest.Read(
                version.Manifest ?? throw new InvalidOperationException($"{version.File} has no manifest yet"), owner), localPath);
    }
}

using BitDust.Engine.Storage.Customer.Records;
using BitDust.Engine.Storage.Customer.Transfers;

namespace BitDust.Engine.Storage.Customer;

/// <summary>
/// Upload batches: an upload job whose files are recorded one by one as they come (the drive adds each file the moment it
/// is closed), and which starts later with all of them. Every file is in the catalog from the moment it is added, so a
/// crash before the batch starts loses nothing: the next run resumes the batch as a queued job.
/// </summary>
public sealed partial class CustomerStorage
{
    public UploadBatch BeginBatch(string label) => new(Transfer.NewId(), label);

    /// <summary>
    /// Records <paramref name="localPath"/> to be uploaded as <paramref name="remotePath"/> by the batch's job, with the
    /// <see cref="Crypto.ContentHash"/> it has now: if a power cut tears the copy before its upload, a later run finds it
    /// changed and does not upload it.
    /// </summary>
    public void AddToBatch(UploadBatch batch, string localPath, string remotePath, byte[]? checksum = null)
    {
        if (batch.Started)
            throw new InvalidOperationException($"upload batch {batch.Id} has started; begin a new one");
        if (!Path.IsPathFullyQualified(localPath))
            throw new ArgumentException($"local_path must be an absolute path, not \"{localPath}\"");
        if (!RemotePath.IsValid(remotePath, out var problem))
            throw new ArgumentException(problem);
        var size = new FileInfo(localPath).Length;
        if (batch.Count == 0)
        {
            var job = new UploadJobRecord(batch.Id, batch.Label, remotePath, TransferState.Queued, DateTimeOffset.UtcNow, null, null);
            Catalog.AddUploadJob(job, [(localPath, remotePath, size)], checksum);
            batch.QueuedAt = job.Started;
        }
        else
        {
            Catalog.AddUploadJobFile(batch.Id, batch.Count, localPath, remotePath, size, checksum);
        }
        batch.Added(size);
    }

    /// <summary>Starts the batch's job with every file added to it.</summary>
    public Transfer StartBatch(UploadBatch batch)
    {
        if (batch.Count == 0)
            throw new InvalidOperationException("an empty upload batch has nothing to start");
        if (batch.Started)
            throw new InvalidOperationException($"upload batch {batch.Id} has started already");
        batch.Started = true;
        var job = new UploadJobRecord(batch.Id, batch.Label, batch.Count == 1 ? "1 file" : $"{batch.Count} files", TransferState.Queued,
            batch.QueuedAt, null, null);
        var files = Catalog.UploadJobFiles(batch.Id);
        var transfer = new Transfer(job.Id, TransferKind.Upload, job.RemotePath, job.LocalPath, job.Started);
        transfer.SetTotals(files.Sum(f => f.Size), files.Count);
        Transfers.Add(transfer);
        Logger.UploadStarted(job.Id, job.LocalPath, job.RemotePath, files.Count, transfer.BytesTotal);
        Run(token => RunUploadAsync(job, transfer, token));
        return transfer;
    }
}

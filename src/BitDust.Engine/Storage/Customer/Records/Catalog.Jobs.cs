using BitDust.Engine.Pipeline;
using BitDust.Engine.Storage.Customer.Transfers;
using Microsoft.Data.Sqlite;

namespace BitDust.Engine.Storage.Customer.Records;

/// <summary>Upload jobs, persisted so that a restart shows them again and resumes the unfinished ones.</summary>
public sealed partial class Catalog
{
    /// <summary>Adds a job and the files it uploads (with the checksum a drive copy had when closed), in one transaction.</summary>
    public void AddUploadJob(UploadJobRecord job, IReadOnlyList<(string LocalPath, string RemotePath, long Size)> files,
        byte[]? firstChecksum = null)
    {
        lock (_gate)
        {
            InTransaction(() =>
            {
                Execute("""
                    INSERT INTO upload_jobs(job_id, local_path, remote_path, state, started) VALUES($id, $local, $remote, $state, $started)
                    """, ("$id", job.Id), ("$local", job.LocalPath), ("$remote", job.RemotePath), ("$state", Text(job.State)),
                    ("$started", Time(job.Started)));
                for (var i = 0; i < files.Count; i++)
                    AddUploadJobFile(job.Id, i, files[i].LocalPath, files[i].RemotePath, files[i].Size, i == 0 ? firstChecksum : null);
                return files.Count;
            });
        }
    }

    /// <summary>
    /// Calls off the queued uploads of <paramref name="remotePath"/> and of everything under it whose version has not begun
    /// yet; the jobs skip them. Returns how many were called off.
    /// </summary>
    public int ForgetQueuedUploads(string remotePath)
    {
        lock (_gate)
        {
            return Execute($"""
                DELETE FROM upload_job_files WHERE file_id IS NULL AND (remote_path=$path OR {InSubtree("remote_path")})
                """, [("$path", remotePath), .. SubtreeOf(remotePath)]);
        }
    }

    /// <summary>False once <see cref="ForgetQueuedUploads"/> called the job file off.</summary>
    public bool HasQueuedUpload(string jobId, int sequence)
    {
        lock (_gate)
            return Scalar("SELECT 1 FROM upload_job_files WHERE job_id=$id AND seq=$seq", ("$id", jobId), ("$seq", sequence)) is not null;
    }

    /// <summary>Adds one more file to a job that has not started (an upload batch being filled).</summary>
    public void AddUploadJobFile(string jobId, int sequence, string localPath, string remotePath, long size, byte[]? checksum = null)
    {
        lock (_gate)
        {
            Execute("""
                INSERT INTO upload_job_files(job_id, seq, local_path, remote_path, size, checksum)
                VALUES($id, $seq, $local, $remote, $size, $checksum)
                """, ("$id", jobId), ("$seq", sequence), ("$local", localPath), ("$remote", remotePath), ("$size", size),
                ("$checksum", checksum));
        }
    }

    /// <summary>Takes one file out of a job (its copy is not what was queued); the job goes on without it.</summary>
    public void ForgetUploadJobFile(string jobId, int sequence)
    {
        lock (_gate)
            Execute("DELETE FROM upload_job_files WHERE job_id=$id AND seq=$seq", ("$id", jobId), ("$seq", sequence));
    }

    /// <summary>Every job kept, oldest first.</summary>
    public IReadOnlyList<UploadJobRecord> UploadJobs()
    {
        lock (_gate)
        {
            return Query("""
                SELECT job_id, local_path, remote_path, state, started, finished, error FROM upload_jobs ORDER BY started, job_id
                """, r => new UploadJobRecord(r.GetString(0), r.GetString(1), r.GetString(2), Parse<TransferState>(r.GetString(3)),
                    ReadTime(r, 4), ReadOptionalTime(r, 5), r.IsDBNull(6) ? null : r.GetString(6)));
        }
    }

    public IReadOnlyList<UploadJobFile> UploadJobFiles(string jobId)
    {
        lock (_gate)
        {
            return Query("""
                SELECT job_id, seq, local_path, remote_path, size, file_id, version, wrapped_key, local_modified, block_size, checksum
                FROM upload_job_files WHERE job_id=$id ORDER BY seq
                """, ReadJobFile, ("$id", jobId));
        }
    }

    /// <summary>
    /// Moves a job to <paramref name="state"/>, durably: a job starting has its files (the drive's batch) on disk before any of
    /// them is sent.
    /// </summary>
    public void SetUploadJobState(string jobId, TransferState state, DateTimeOffset? finished = null, string? error = null) =>
        Durably(() => Execute("UPDATE upload_jobs SET state=$state, finished=$finished, error=$error WHERE job_id=$id",
            ("$state", Text(state)), ("$finished", Time(finished)), ("$error", error), ("$id", jobId)));

    /// <summary>Records the version a job file is being uploaded as, its wrapped data key and the local file's size and time.</summary>
    public void StartUploadJobFile(UploadJobFile file)
    {
        if (file.File is not { } version || file.WrappedKey is null)
            throw new ArgumentException("A started job file needs its version and wrapped key.", nameof(file));
        lock (_gate)
        {
            Execute("""
                UPDATE upload_job_files SET size=$size, file_id=$fid, version=$version, wrapped_key=$key, local_modified=$modified,
                    block_size=$block WHERE job_id=$id AND seq=$seq
                """, ("$size", file.Size), ("$fid", IdBytes(version.FileId)), ("$version", version.Version), ("$key", file.WrappedKey),
                ("$modified", file.LocalModified), ("$block", file.BlockSize), ("$id", file.JobId), ("$seq", file.Sequence));
        }
    }

    /// <summary>Forgets finished jobs beyond the newest <paramref name="keep"/>; unfinished ones always stay.</summary>
    public void PruneUploadJobs(int keep)
    {
        lock (_gate)
        {
            Execute("""
                DELETE FROM upload_jobs WHERE state IN ('complete', 'failed') AND job_id NOT IN
                    (SELECT job_id FROM upload_jobs WHERE state IN ('complete', 'failed') ORDER BY started DESC LIMIT $keep)
                """, ("$keep", keep));
        }
    }

    private static UploadJobFile ReadJobFile(SqliteDataReader r) =>
        new(r.GetString(0), r.GetInt32(1), r.GetString(2), r.GetString(3), r.GetInt64(4),
            r.IsDBNull(5) ? null : new FileVersion(ReadId(r, 5), r.GetInt64(6)), ReadOptionalBytes(r, 7), r.GetInt64(8), r.GetInt32(9),
            ReadOptionalBytes(r, 10));
}

using BitDust.Engine.Pipeline;

namespace BitDust.Engine.Storage.Customer;

/// <summary>
/// One file of an upload job. <see cref="File"/>, <see cref="WrappedKey"/> and the local size and time are set when its
/// upload starts: a resumed job continues that version only when the local file still has that size and time.
/// </summary>
public sealed record UploadJobFile(string JobId, int Sequence, string LocalPath, string RemotePath, long Size, FileVersion? File,
    byte[]? WrappedKey, long LocalModified, int BlockSize);

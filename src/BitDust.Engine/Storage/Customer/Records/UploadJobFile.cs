using BitDust.Engine.Pipeline;

namespace BitDust.Engine.Storage.Customer.Records;

/// <summary>
/// One file of an upload job. <see cref="File"/>, <see cref="WrappedKey"/> and the local size and time are set when its
/// upload starts: a resumed job continues that version only when the bytes it sealed before are still the same.
/// <see cref="Checksum"/>: the content hash a drive copy had when it was closed (null for other uploads).
/// </summary>
public sealed record UploadJobFile(string JobId, int Sequence, string LocalPath, string RemotePath, long Size, FileVersion? File,
    byte[]? WrappedKey, long LocalModified, int BlockSize, byte[]? Checksum = null);

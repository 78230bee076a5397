namespace BitDust.Fs.Cache;

/// <summary>
/// Where a drive file's bytes are: a local copy in the cache (<see cref="LocalContent"/>), or a version in the network of
/// which the cache holds the blocks read so far (<see cref="RemoteContent"/>).
/// </summary>
public abstract class FileContent
{
    public abstract long Length { get; }

    /// <summary>Lets go of the cache space and files this content holds (the file was deleted or has newer content).</summary>
    public abstract void Discard();
}

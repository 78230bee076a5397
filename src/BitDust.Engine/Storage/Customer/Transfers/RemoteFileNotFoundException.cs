namespace BitDust.Engine.Storage.Customer.Transfers;

/// <summary>The catalog has no file (or folder of files) at a remote path.</summary>
public sealed class RemoteFileNotFoundException(string remotePath)
    : Exception($"No file \"{remotePath}\" in the catalog: `bitdust file list` shows what is there.")
{
    public string RemotePath { get; } = remotePath;
}

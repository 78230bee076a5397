namespace BitDust.Fs.Fuse;

/// <summary>Mounting failed; the message says why and, where it can, what to do.</summary>
public sealed class FuseException : Exception
{
    public FuseException()
    {
    }

    public FuseException(string message) : base(message)
    {
    }

    public FuseException(string message, Exception innerException) : base(message, innerException)
    {
    }
}

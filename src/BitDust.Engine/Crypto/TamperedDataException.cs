namespace BitDust.Engine.Crypto;

/// <summary>Authentication failed under the right key: the bytes were altered, truncated or moved to another position.</summary>
public sealed class TamperedDataException : CryptoException
{
    public TamperedDataException(string message)
        : base(message)
    {
    }

    public TamperedDataException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

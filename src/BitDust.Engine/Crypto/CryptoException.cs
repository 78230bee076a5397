namespace BitDust.Engine.Crypto;

/// <summary>
/// The base of every error the crypto layer reports about keys and data, so callers can tell them
/// from bugs (ArgumentException) and from I/O errors. The message names the key, block or file and
/// the next step.
/// </summary>
public abstract class CryptoException : Exception
{
    protected CryptoException(string message)
        : base(message)
    {
    }

    protected CryptoException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

namespace BitDust.Engine.Crypto;

/// <summary>The passphrase does not open the key backup; the backup itself is intact.</summary>
public sealed class WrongPassphraseException : CryptoException
{
    public WrongPassphraseException(string message)
        : base(message)
    {
    }

    public WrongPassphraseException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

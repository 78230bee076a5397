namespace BitDust.Engine.Crypto;

/// <summary>Data was sealed or wrapped under another key than the one given: the data is intact, the key is not the right one.</summary>
public sealed class WrongKeyException : CryptoException
{
    public WrongKeyException(string message)
        : base(message)
    {
    }

    public WrongKeyException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

namespace BitDust.Engine.Crypto;

/// <summary>Key material or a key backup that cannot be parsed: garbage, truncated, oversized, an unknown version or out-of-bounds parameters.</summary>
public sealed class MalformedKeyMaterialException : CryptoException
{
    public MalformedKeyMaterialException(string message)
        : base(message)
    {
    }

    public MalformedKeyMaterialException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

using System.Security.Cryptography;
using System.Text;

namespace BitDust.Engine.Crypto;

/// <summary>
/// HKDF-SHA256 (RFC 5869), the one place where subkeys are derived. Every subkey has its own
/// purpose string ("bitdust/wrap", "bitdust/block", ...), so no two uses ever share a key.
/// </summary>
public static class KeyDerivation
{
    private const int MaxPurposeBytes = 256;

    /// <summary>Fills <paramref name="output"/> with key material for <paramref name="purpose"/>.</summary>
    public static void DeriveKey(ReadOnlySpan<byte> inputKey, string purpose, Span<byte> output, ReadOnlySpan<byte> salt = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        if (inputKey.IsEmpty)
            throw new ArgumentException("The input key is empty.", nameof(inputKey));

        Span<byte> info = stackalloc byte[MaxPurposeBytes];
        if (!Encoding.UTF8.TryGetBytes(purpose, info, out var infoLength))
            throw new ArgumentException($"The purpose is longer than {MaxPurposeBytes} bytes.", nameof(purpose));

        HKDF.DeriveKey(HashAlgorithmName.SHA256, inputKey, output, salt, info[..infoLength]);
    }
}

using System.Buffers.Binary;
using System.Security.Cryptography;

namespace BitDust.Engine.Crypto;

/// <summary>
/// A keyed tag per erasure-coded fragment, so a restore can throw away a bad fragment before decoding.
/// It is GMAC: AES-256-GCM with an empty plaintext and the payload as associated data, under the data
/// key's "bitdust/fragment" subkey. GHASH runs at several GB/s where SHA-256 would be the pipeline's
/// bottleneck, and only the owner (who holds the data key) can make or check a tag.
/// Not thread-safe: create one per thread with <see cref="DataKey.CreateFragmentAuthenticator"/>.
/// </summary>
/// <remarks>
/// The nonce binds the tag to one position of one scheme: 'F', fragment index, k, m, block index.
/// GMAC breaks if one nonce tags two different payloads, so each position holds one payload per data
/// key: a rebuild recomputes the very same bytes (the code is deterministic), which reveals nothing new.
/// </remarks>
public sealed class FragmentAuthenticator : IDisposable
{
    public const int TagSize = 16;
    internal const int KeySize = 32;
    internal const int NonceSize = 12;

    // Reed-Solomon over GF(2^8) has at most 256 fragments, and each count must fit in one nonce byte.
    internal const int MaxFragments = 256;
    private const byte Domain = (byte)'F';

    private readonly AesGcm _aes;

    internal FragmentAuthenticator(ReadOnlySpan<byte> key) => _aes = new AesGcm(key, TagSize);

    /// <summary>Writes the 16-byte tag of fragment <paramref name="fragmentIndex"/> of block <paramref name="blockIndex"/> in a k+m scheme.</summary>
    public void ComputeTag(long blockIndex, int fragmentIndex, int dataCount, int parityCount, ReadOnlySpan<byte> payload, Span<byte> tag)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(tag.Length, TagSize, nameof(tag));
        Span<byte> nonce = stackalloc byte[NonceSize];
        WriteNonce(blockIndex, fragmentIndex, dataCount, parityCount, nonce);
        _aes.Encrypt(nonce, ReadOnlySpan<byte>.Empty, Span<byte>.Empty, tag, payload);
    }

    /// <summary>True when <paramref name="tag"/> is the tag of this payload at this position; compares in constant time.</summary>
    public bool Verify(long blockIndex, int fragmentIndex, int dataCount, int parityCount, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> tag)
    {
        Span<byte> expected = stackalloc byte[TagSize];
        ComputeTag(blockIndex, fragmentIndex, dataCount, parityCount, payload, expected);
        return tag.Length == TagSize && CryptographicOperations.FixedTimeEquals(expected, tag);
    }

    internal static void WriteNonce(long blockIndex, int fragmentIndex, int dataCount, int parityCount, Span<byte> nonce)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(blockIndex);
        ArgumentOutOfRangeException.ThrowIfLessThan(dataCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dataCount, byte.MaxValue);
        ArgumentOutOfRangeException.ThrowIfNegative(parityCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(parityCount, byte.MaxValue);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dataCount + parityCount, MaxFragments, nameof(parityCount));
        ArgumentOutOfRangeException.ThrowIfNegative(fragmentIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(fragmentIndex, dataCount + parityCount);

        nonce[0] = Domain;
        nonce[1] = (byte)fragmentIndex;
        nonce[2] = (byte)dataCount;
        nonce[3] = (byte)parityCount;
        BinaryPrimitives.WriteInt64BigEndian(nonce[4..], blockIndex);
    }

    public void Dispose() => _aes.Dispose();
}

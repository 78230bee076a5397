using System.Buffers.Binary;
using System.Security.Cryptography;

namespace BitDust.Engine.Crypto;

/// <summary>
/// AES-256-GCM over whole blocks of one file version, under the data key's "bitdust/block" subkey.
/// Not thread-safe: create one per thread with <see cref="DataKey.CreateBlockCipher"/> (it is cheap).
/// </summary>
/// <remarks>
/// The nonce is derived from the block index instead of drawn at random. It never seals two different plaintexts under one
/// key because a data key belongs to exactly one file version (a version number is never used twice, even after its version
/// is deleted) and each block index of a version is sealed from one content. The caller passes the block position and file
/// version as associated data, so a block moved to another position or version fails to open.
/// <para>
/// The rule an upload that resumes after a crash or power cut follows (UploadJob): a block is sealed again under the
/// version's old key only when the hash of its plain bytes, kept with the block's entry, matches the bytes read now, and the
/// new seal's tag is checked against the tag kept; otherwise the file goes up as a new version with a new key. The entry (and
/// with it the version and its wrapped key) is written to disk (fsync) before any fragment of the block leaves the machine,
/// so a block the catalog does not know was never sent. Sealing the same bytes again gives the same ciphertext: that repeats
/// nothing a supplier did not already see.
/// </para>
/// </remarks>
public sealed class BlockCipher : IDisposable
{
    public const int TagSize = 16;
    internal const int NonceSize = 12;
    internal const int KeySize = 32;

    private readonly AesGcm _aes;

    internal BlockCipher(ReadOnlySpan<byte> key) => _aes = new AesGcm(key, TagSize);

    /// <summary>Encrypts <paramref name="plaintext"/> into <paramref name="ciphertext"/> (same length) and writes the 16-byte tag.</summary>
    public void Seal(long blockIndex, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag)
    {
        Span<byte> nonce = stackalloc byte[NonceSize];
        WriteNonce(blockIndex, nonce);
        _aes.Encrypt(nonce, plaintext, ciphertext, tag, associatedData);
    }

    /// <summary>
    /// Decrypts and authenticates a block sealed by <see cref="Seal"/>. Throws <see cref="TamperedDataException"/>
    /// (and leaves <paramref name="plaintext"/> zeroed) when the ciphertext, tag, index or associated data differ.
    /// </summary>
    public void Open(long blockIndex, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext)
    {
        Span<byte> nonce = stackalloc byte[NonceSize];
        WriteNonce(blockIndex, nonce);
        try
        {
            _aes.Decrypt(nonce, ciphertext, tag, plaintext, associatedData);
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new TamperedDataException(
                $"Block {blockIndex} failed authentication: its bytes, tag or position were altered. Fetch it again from other suppliers.",
                e);
        }
    }

    /// <summary>4 zero bytes, then the block index as 8 bytes big-endian.</summary>
    internal static void WriteNonce(long blockIndex, Span<byte> nonce)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(blockIndex);
        nonce[..4].Clear();
        BinaryPrimitives.WriteInt64BigEndian(nonce[4..], blockIndex);
    }

    public void Dispose() => _aes.Dispose();
}

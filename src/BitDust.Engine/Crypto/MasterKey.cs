using System.Security.Cryptography;

namespace BitDust.Engine.Crypto;

/// <summary>
/// The owner's 256-bit master key. It wraps each file version's <see cref="DataKey"/>; it is kept only
/// by the owner, and travels only inside a passphrase-protected <see cref="KeyBackup"/>.
/// Thread-safe: wrapping is rare, so each call makes its own cipher.
/// </summary>
/// <remarks>
/// Wrapped key format (<see cref="WrappedKeySize"/> bytes):
/// version (1) | master key id (8) | nonce (12) | wrapped data key (32) | GCM tag (16).
/// AES-256-GCM under the "bitdust/wrap" subkey with a random nonce; associated data is the version byte
/// followed by the caller's context (file id and version), so a wrapped key moved to another file fails.
/// The key id is left out of the associated data on purpose: a wrapped key that opens under this key but
/// carries another id was altered (tampering), while one that does not open and carries another id was
/// made under another master key (wrong key).
/// </remarks>
public sealed class MasterKey : IDisposable
{
    public const int Size = 32;
    public const int KeyIdSize = 8;
    public const int WrappedKeySize = 1 + KeyIdSize + NonceSize + DataKey.Size + TagSize;

    private const byte WrapVersion = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int KeyIdOffset = 1;
    private const int NonceOffset = KeyIdOffset + KeyIdSize;
    private const int CiphertextOffset = NonceOffset + NonceSize;
    private const int TagOffset = CiphertextOffset + DataKey.Size;

    // Pinned so the GC never leaves stray copies of the keys behind when it compacts the heap.
    private readonly byte[] _key = GC.AllocateArray<byte>(Size, pinned: true);
    private readonly byte[] _wrapKey = GC.AllocateArray<byte>(Size, pinned: true);
    private readonly byte[] _keyId = new byte[KeyIdSize];
    private bool _disposed;

    private MasterKey(ReadOnlySpan<byte> key)
    {
        key.CopyTo(_key);
        KeyDerivation.DeriveKey(_key, "bitdust/key-id", _keyId);
        KeyDerivation.DeriveKey(_key, "bitdust/wrap", _wrapKey);
    }

    public static MasterKey Generate()
    {
        Span<byte> key = stackalloc byte[Size];
        RandomNumberGenerator.Fill(key);
        try
        {
            return new MasterKey(key);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>Takes a copy of exactly <see cref="Size"/> bytes.</summary>
    public static MasterKey FromBytes(ReadOnlySpan<byte> key)
    {
        if (key.Length != Size)
            throw new MalformedKeyMaterialException($"A master key is {Size} bytes, not {key.Length}. Restore it from the key backup.");
        return new MasterKey(key);
    }

    /// <summary>8 bytes derived from the key: not secret, names the key in wrapped keys and messages.</summary>
    public ReadOnlySpan<byte> KeyId => _keyId;

    /// <summary>Copies the raw key out, for the key backup only.</summary>
    public void CopyTo(Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _key.CopyTo(destination);
    }

    /// <summary>Wraps <paramref name="dataKey"/> for the file version named by <paramref name="context"/>.</summary>
    public byte[] WrapDataKey(DataKey dataKey, ReadOnlySpan<byte> context)
    {
        ArgumentNullException.ThrowIfNull(dataKey);
        ObjectDisposedException.ThrowIf(_disposed, this);

        var wrapped = new byte[WrappedKeySize];
        wrapped[0] = WrapVersion;
        _keyId.CopyTo(wrapped.AsSpan(KeyIdOffset, KeyIdSize));
        var nonce = wrapped.AsSpan(NonceOffset, NonceSize);
        RandomNumberGenerator.Fill(nonce);

        using var aes = new AesGcm(_wrapKey, TagSize);
        aes.Encrypt(
            nonce,
            dataKey.Bytes,
            wrapped.AsSpan(CiphertextOffset, DataKey.Size),
            wrapped.AsSpan(TagOffset, TagSize),
            AssociatedData(WrapVersion, context));
        return wrapped;
    }

    /// <summary>Unwraps a key made by <see cref="WrapDataKey"/> with the same <paramref name="context"/>.</summary>
    public DataKey UnwrapDataKey(ReadOnlySpan<byte> wrapped, ReadOnlySpan<byte> context)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (wrapped.Length != WrappedKeySize)
        {
            throw new MalformedKeyMaterialException(
                $"A wrapped data key is {WrappedKeySize} bytes, not {wrapped.Length}. The manifest holding it is damaged; use another copy.");
        }
        if (wrapped[0] != WrapVersion)
        {
            throw new MalformedKeyMaterialException(
                $"Wrapped data key version {wrapped[0]} is unknown (this build reads {WrapVersion}). Upgrade BitDust or use another copy of the manifest.");
        }

        var keyId = wrapped.Slice(KeyIdOffset, KeyIdSize);
        Span<byte> plain = stackalloc byte[DataKey.Size];
        try
        {
            using (var aes = new AesGcm(_wrapKey, TagSize))
            {
                aes.Decrypt(
                    wrapped.Slice(NonceOffset, NonceSize),
                    wrapped.Slice(CiphertextOffset, DataKey.Size),
                    wrapped.Slice(TagOffset, TagSize),
                    plain,
                    AssociatedData(wrapped[0], context));
            }
            if (!keyId.SequenceEqual(_keyId))
                throw Tampered();
            return DataKey.FromBytes(plain);
        }
        catch (AuthenticationTagMismatchException e)
        {
            if (keyId.SequenceEqual(_keyId))
                throw Tampered(e);
            throw new WrongKeyException(
                $"This data key was wrapped under master key {Convert.ToHexStringLower(keyId)}, not {Convert.ToHexStringLower(_keyId)}. " +
                "Load the master key it was made with (restore it from that key backup).",
                e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_key);
        CryptographicOperations.ZeroMemory(_wrapKey);
        _disposed = true;
    }

    private static byte[] AssociatedData(byte version, ReadOnlySpan<byte> context)
    {
        var associatedData = new byte[1 + context.Length];
        associatedData[0] = version;
        context.CopyTo(associatedData.AsSpan(1));
        return associatedData;
    }

    private TamperedDataException Tampered(Exception? innerException = null) =>
        new($"A data key wrapped under master key {Convert.ToHexStringLower(_keyId)} failed authentication: it was altered, or it " +
            "belongs to another file version. Use another copy of the manifest.", innerException);
}

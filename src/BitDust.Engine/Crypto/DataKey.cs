using System.Security.Cryptography;

namespace BitDust.Engine.Crypto;

/// <summary>
/// The random 256-bit key of one file version. It never leaves the machine in the clear: the manifest
/// holds it wrapped under the owner's <see cref="MasterKey"/>. Blocks and fragments use subkeys of it.
/// </summary>
public sealed class DataKey : IDisposable
{
    public const int Size = 32;

    // Pinned so the GC never leaves stray copies of the key behind when it compacts the heap.
    private readonly byte[] _key = GC.AllocateArray<byte>(Size, pinned: true);
    private bool _disposed;

    private DataKey()
    {
    }

    public static DataKey Generate()
    {
        var key = new DataKey();
        RandomNumberGenerator.Fill(key._key);
        return key;
    }

    /// <summary>Takes a copy of exactly <see cref="Size"/> bytes.</summary>
    public static DataKey FromBytes(ReadOnlySpan<byte> key)
    {
        if (key.Length != Size)
            throw new MalformedKeyMaterialException($"A data key is {Size} bytes, not {key.Length}. Check where the key was read from.");
        var dataKey = new DataKey();
        key.CopyTo(dataKey._key);
        return dataKey;
    }

    /// <summary>The raw key, for wrapping only.</summary>
    internal ReadOnlySpan<byte> Bytes
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _key;
        }
    }

    public BlockCipher CreateBlockCipher()
    {
        Span<byte> subkey = stackalloc byte[BlockCipher.KeySize];
        try
        {
            KeyDerivation.DeriveKey(Bytes, "bitdust/block", subkey);
            return new BlockCipher(subkey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(subkey);
        }
    }

    public FragmentAuthenticator CreateFragmentAuthenticator()
    {
        Span<byte> subkey = stackalloc byte[FragmentAuthenticator.KeySize];
        try
        {
            KeyDerivation.DeriveKey(Bytes, "bitdust/fragment", subkey);
            return new FragmentAuthenticator(subkey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(subkey);
        }
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_key);
        _disposed = true;
    }
}

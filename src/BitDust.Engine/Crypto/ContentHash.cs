using Microsoft.Win32.SafeHandles;

namespace BitDust.Engine.Crypto;

/// <summary>
/// BLAKE3-256 of plain bytes, kept only on this machine: proof that bytes read now are the bytes read before (a block about to
/// be sealed again under its old key, a drive copy after a power cut). About 5 GB/s on one core here, three times SHA-256.
/// </summary>
public static class ContentHash
{
    public const int Size = 32;

    public static byte[] Of(ReadOnlySpan<byte> bytes) => Blake3.Hasher.Hash(bytes).AsSpan().ToArray();

    /// <summary>The hash of a whole file, read through <paramref name="file"/> from its start.</summary>
    public static byte[] OfFile(SafeFileHandle file)
    {
        using var hasher = Blake3.Hasher.New();
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            for (long offset = 0; ; )
            {
                var read = RandomAccess.Read(file, buffer, offset);
                if (read == 0)
                    break;
                hasher.Update(buffer.AsSpan(0, read));
                offset += read;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
        return hasher.Finalize().AsSpan().ToArray();
    }

    /// <summary>The hash of the file at <paramref name="path"/>.</summary>
    public static byte[] OfFile(string path)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return OfFile(file);
    }
}

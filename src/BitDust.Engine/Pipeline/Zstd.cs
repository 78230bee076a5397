using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace BitDust.Engine.Pipeline;

/// <summary>
/// Zstandard through the system's libzstd (Debian's libzstd1, which apt itself depends on). No managed zstd is served by the
/// package mirror, and zstd at level 1 compresses about three times faster than deflate at a better ratio.
/// </summary>
internal static partial class Zstd
{
    private const string LibraryName = "libzstd.so.1";
    private static readonly Lazy<string?> LoadError = new(Load);

    /// <summary>Null when libzstd could be loaded, else the loader's own message.</summary>
    public static string? UnavailableReason => LoadError.Value;

    public static int CompressBound(int length) => checked((int)ZSTD_compressBound((nuint)length));

    /// <summary>Compresses <paramref name="source"/>; returns the compressed length.</summary>
    public static unsafe int Compress(ReadOnlySpan<byte> source, Span<byte> destination, int level)
    {
        EnsureLoaded();
        fixed (byte* src = source)
        fixed (byte* dst = destination)
        {
            var result = ZSTD_compress(dst, (nuint)destination.Length, src, (nuint)source.Length, level);
            if (ZSTD_isError(result) != 0)
                throw new InvalidOperationException($"zstd compression failed: {ErrorName(result)}");
            return (int)result;
        }
    }

    /// <summary>Decompresses into <paramref name="destination"/>; false when the input is not a valid frame of that size.</summary>
    public static unsafe bool TryDecompress(ReadOnlySpan<byte> source, Span<byte> destination, out int written, [NotNullWhen(false)] out string? error)
    {
        EnsureLoaded();
        fixed (byte* src = source)
        fixed (byte* dst = destination)
        {
            var result = ZSTD_decompress(dst, (nuint)destination.Length, src, (nuint)source.Length);
            if (ZSTD_isError(result) != 0)
            {
                written = 0;
                error = ErrorName(result);
                return false;
            }
            written = (int)result;
            error = null;
            return true;
        }
    }

    private static void EnsureLoaded()
    {
        if (LoadError.Value is { } reason)
            throw new DllNotFoundException($"zstd is not available ({reason}); install it with: apt-get install -y libzstd1");
    }

    private static string? Load()
    {
        try
        {
            return NativeLibrary.TryLoad(LibraryName, out _) ? null : $"{LibraryName} could not be loaded";
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
        {
            return e.Message;
        }
    }

    private static unsafe string ErrorName(nuint code) => Marshal.PtrToStringUTF8((nint)ZSTD_getErrorName(code)) ?? $"error {code}";

    [LibraryImport(LibraryName)]
    private static partial nuint ZSTD_compressBound(nuint srcSize);

    [LibraryImport(LibraryName)]
    private static unsafe partial nuint ZSTD_compress(byte* dst, nuint dstCapacity, byte* src, nuint srcSize, int compressionLevel);

    [LibraryImport(LibraryName)]
    private static unsafe partial nuint ZSTD_decompress(byte* dst, nuint dstCapacity, byte* src, nuint compressedSize);

    [LibraryImport(LibraryName)]
    private static partial uint ZSTD_isError(nuint code);

    [LibraryImport(LibraryName)]
    private static unsafe partial byte* ZSTD_getErrorName(nuint code);
}

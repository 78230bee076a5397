using System.Text;
using BitDust.Engine.Coding;
using BitDust.Engine.Crypto;
using BitDust.Engine.Pipeline;
using BitDust.TestSupport;

namespace BitDust.Engine.Tests.Pipeline;

/// <summary>Writes versions into an in-memory store and reads them back, as the network does with suppliers.</summary>
internal static class PipelineFixture
{
    public const int SmallBlock = PipelineLimits.MinBlockSize;

    public static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Text-like data zstd shrinks a lot.</summary>
    public static byte[] CompressibleBytes(int length, int seed)
    {
        var random = new Random(seed);
        string[] words = ["supplier", "customer", "fragment", "block", "parity", "identity", "router", "drive", "\n"];
        var text = new StringBuilder(length + 16);
        while (text.Length < length)
            text.Append(words[random.Next(words.Length)]).Append(' ');
        return Encoding.ASCII.GetBytes(text.ToString(0, length));
    }

    public static PipelineOptions Options(ErasureScheme scheme, int blockSize = SmallBlock, bool compress = true) =>
        new() { Scheme = scheme, BlockSize = blockSize, Parallelism = 2, Compressor = compress ? new BlockCompressor() : null };

    public static async Task<Manifest> WriteAsync(byte[] content, MasterKey masterKey, PipelineOptions options, MemoryFragmentStore store,
        FileVersion? file = null)
    {
        using var input = new MemoryStream(content);
        return await VersionWriter.WriteAsync(input, file ?? FileVersion.NewFile(), masterKey, options, (block, _) =>
        {
            store.Add(block);
            return ValueTask.CompletedTask;
        }, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
    }

    public static async Task<byte[]> ReadAsync(Manifest manifest, MasterKey masterKey, IFragmentSource source, long offset = 0, long? count = null)
    {
        using var key = manifest.UnwrapKey(masterKey);
        using var decoder = new BlockDecoder(manifest, key, new ReedSolomon(manifest.Scheme));
        using var output = new MemoryStream();
        await VersionReader.ReadAsync(decoder, source, output, offset, count ?? manifest.Size - offset, parallelism: 2, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(60));
        return output.ToArray();
    }
}

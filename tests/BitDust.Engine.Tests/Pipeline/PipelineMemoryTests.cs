using BitDust.Engine.Coding;
using BitDust.Engine.Crypto;
using BitDust.Engine.Pipeline;

namespace BitDust.Engine.Tests.Pipeline;

public sealed class PipelineMemoryTests
{
    /// <summary>
    /// However large the input and however slow the consumer (the network), the writer reads at most its window of blocks
    /// ahead of what the sink has taken: memory is bounded by the window, not by the file size.
    /// </summary>
    [Fact]
    public async Task The_writer_never_reads_more_than_its_window_ahead_of_a_slow_sink()
    {
        const int blockSize = 64 * 1024;
        const int parallelism = 2;
        using var masterKey = MasterKey.Generate();
        var input = new EndlessStream(totalLength: 200L * blockSize);
        long maxAhead = 0;
        var consumed = 0L;
        var options = new PipelineOptions
        {
            Scheme = ErasureScheme.ForSuppliers(7), BlockSize = blockSize, Parallelism = parallelism, Compressor = null,
        };

        var manifest = await VersionWriter.WriteAsync(input, FileVersion.NewFile(), masterKey, options, async (block, ct) =>
        {
            using (block)
            {
                consumed += blockSize;
                maxAhead = Math.Max(maxAhead, input.Position - consumed);
                await Task.Delay(1, ct);
            }
        }, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(120));

        Assert.Equal(200, manifest.Blocks.Count);
        Assert.InRange(maxAhead, 0, 2 * parallelism * blockSize);
    }

    /// <summary>Incompressible bytes generated on the fly, as a huge file read from disk.</summary>
    private sealed class EndlessStream(long totalLength) : Stream
    {
        private readonly Random _random = new(42);
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => totalLength;

        public override long Position
        {
            get => Interlocked.Read(ref _position);
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = (int)Math.Min(buffer.Length, totalLength - _position);
            _random.NextBytes(buffer[..n]);
            Interlocked.Add(ref _position, n);
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

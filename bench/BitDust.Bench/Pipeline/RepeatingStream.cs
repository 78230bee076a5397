namespace BitDust.Bench.Pipeline;

/// <summary>A long incompressible input made by cycling through 64 MiB of random bytes: a huge file without the disk.</summary>
internal sealed class RepeatingStream(long length) : Stream
{
    private static readonly byte[] Pool = MakePool();
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var start = (int)(_position % Pool.Length);
        var n = (int)Math.Min(Math.Min(buffer.Length, length - _position), Pool.Length - start);
        Pool.AsSpan(start, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private static byte[] MakePool()
    {
        var pool = new byte[64 * 1024 * 1024];
        new Random(7).NextBytes(pool);
        return pool;
    }
}

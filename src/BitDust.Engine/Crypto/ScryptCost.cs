namespace BitDust.Engine.Crypto;

/// <summary>
/// scrypt's cost parameters (RFC 7914): N = 2^<paramref name="LogN"/>, block size r, parallelism p.
/// Bounded so that a key backup read from disk cannot ask for more than 1 GiB or hours of work.
/// </summary>
public sealed record ScryptCost(int LogN, int BlockSize, int Parallelism)
{
    public const int MinLogN = 10;
    public const int MaxLogN = 22;
    public const int MaxBlockSize = 32;
    public const int MaxParallelism = 16;
    public const long MaxMemoryBytes = 1L << 30;

    /// <summary>128 MiB and 0.4-0.8 s per derivation on a 2-core EPYC with BouncyCastle: the backup is opened rarely.</summary>
    public static ScryptCost Default { get; } = new(17, 8, 1);

    /// <summary>1 MiB and a few milliseconds: for tests only.</summary>
    public static ScryptCost Fast { get; } = new(MinLogN, 8, 1);

    public int LogN { get; } = CheckLogN(LogN);

    public int BlockSize { get; } = CheckBlockSize(BlockSize, LogN);

    public int Parallelism { get; } = CheckParallelism(Parallelism);

    /// <summary>The memory one scrypt lane needs: 128 · r · N bytes.</summary>
    public long MemoryBytes => 128L * BlockSize << LogN;

    private static int CheckLogN(int logN)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(logN, MinLogN, nameof(LogN));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(logN, MaxLogN, nameof(LogN));
        return logN;
    }

    private static int CheckBlockSize(int blockSize, int logN)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1, nameof(BlockSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(blockSize, MaxBlockSize, nameof(BlockSize));
        // RFC 7914 requires N < 2^(128·r/8); within these bounds only r = 1 (LogN at most 15) is affected.
        if (logN >= 16 * blockSize)
            throw new ArgumentOutOfRangeException(nameof(BlockSize), $"scrypt with r = {blockSize} needs N below 2^{16 * blockSize}.");
        if (128L * blockSize << logN > MaxMemoryBytes)
            throw new ArgumentOutOfRangeException(nameof(BlockSize), $"scrypt with r = {blockSize} and N = 2^{logN} needs more than 1 GiB.");
        return blockSize;
    }

    private static int CheckParallelism(int parallelism)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelism, 1, nameof(Parallelism));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(parallelism, MaxParallelism, nameof(Parallelism));
        return parallelism;
    }
}

using BitDust.Engine.Coding;
using BitDust.Engine.Crypto;
using BitDust.Engine.Pipeline;
using BitDust.Engine.Storage.Customer.Families;

namespace BitDust.Engine.Storage.Customer.Transfers;

/// <summary>
/// Reads the blocks of one version from the family, each decoded from k verified fragments, decrypted and checked: what the
/// drive uses to fetch only the blocks a read covers. <see cref="FragmentsRequested"/> counts every fragment asked of a
/// supplier, so a caller (and a test) can see that a small read fetched only what it needed.
/// </summary>
public sealed class VersionBlocks : IDisposable
{
    private readonly DataKey _key;
    private readonly BlockDecoder _decoder;
    private readonly CountingSource _source;

    internal VersionBlocks(Manifest manifest, MasterKey masterKey, Family family, TimeSpan requestTimeout)
    {
        Manifest = manifest;
        _key = manifest.UnwrapKey(masterKey);
        _decoder = new BlockDecoder(manifest, _key, new ReedSolomon(manifest.Scheme));
        _source = new CountingSource(new NetworkFragmentSource(family, requestTimeout));
    }

    public Manifest Manifest { get; }

    public long FragmentsRequested => _source.Count;

    /// <summary>
    /// Decodes block <paramref name="index"/> into <paramref name="destination"/> (at least the block size long) and returns its
    /// length; a block that cannot be had is a <see cref="BlockUnavailableException"/> naming the suppliers.
    /// </summary>
    public ValueTask<int> ReadBlockAsync(long index, Memory<byte> destination, CancellationToken cancellationToken) =>
        _decoder.DecodeAsync(index, _source, destination, cancellationToken);

    public void Dispose()
    {
        _decoder.Dispose();
        _key.Dispose();
    }

    private sealed class CountingSource(IFragmentSource inner) : IFragmentSource
    {
        private long _count;

        public long Count => Interlocked.Read(ref _count);

        public ValueTask<string?> ReadAsync(FragmentAddress address, Memory<byte> payload, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _count);
            return inner.ReadAsync(address, payload, cancellationToken);
        }

        public string Describe(int fragmentIndex) => inner.Describe(fragmentIndex);
    }
}

using System.Security.Cryptography;
using BitDust.Engine.Crypto;

namespace BitDust.Engine.Pipeline;

/// <summary>
/// Checks fragments of one version against its manifest without decoding anything: a payload must carry the GMAC tag the
/// manifest recorded for its position, and a stored fragment (header and payload, as a supplier keeps it) must also carry
/// exactly the header written for it. The decoder, the audits and the rebuild all trust a fragment through this, and it
/// needs only the owner's keys, never a copy of the file. Safe to call from several threads at once.
/// </summary>
public sealed class FragmentVerifier : IDisposable
{
    private readonly Manifest _manifest;
    private readonly CryptoWorkers _workers;
    private readonly bool _ownsWorkers;

    /// <param name="key">The version's data key (<see cref="Manifest.UnwrapKey"/>); the caller keeps and disposes it.</param>
    public FragmentVerifier(Manifest manifest, DataKey key)
        : this(manifest, new CryptoWorkers(key), ownsWorkers: true)
    {
    }

    internal FragmentVerifier(Manifest manifest, CryptoWorkers workers, bool ownsWorkers)
    {
        _manifest = manifest;
        _workers = workers;
        _ownsWorkers = ownsWorkers;
    }

    public Manifest Manifest => _manifest;

    /// <summary>
    /// Null when <paramref name="payload"/> is fragment <paramref name="fragmentIndex"/> of the block as tagged, else why not.
    /// </summary>
    public string? VerifyPayload(long blockIndex, int fragmentIndex, ReadOnlySpan<byte> payload)
    {
        var entry = Entry(blockIndex);
        var scheme = _manifest.Scheme;
        ArgumentOutOfRangeException.ThrowIfNegative(fragmentIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(fragmentIndex, scheme.Total);
        if (payload.Length != entry.ShardLength(scheme))
            return $"payload is {payload.Length} bytes, expected {entry.ShardLength(scheme)}";
        var worker = _workers.Rent();
        try
        {
            Span<byte> tag = stackalloc byte[FragmentAuthenticator.TagSize];
            worker.Authenticator.ComputeTag(blockIndex, fragmentIndex, scheme.DataCount, scheme.ParityCount, payload, tag);
            return CryptographicOperations.FixedTimeEquals(tag, entry.FragmentTag(fragmentIndex)) ? null : "failed its integrity check";
        }
        finally
        {
            _workers.Return(worker);
        }
    }

    /// <summary>
    /// Null when <paramref name="stored"/> is the fragment at <paramref name="address"/> byte for byte as it was written: every
    /// header byte as the manifest implies it, and the payload's tag. Else what is wrong with it.
    /// </summary>
    public string? VerifyStored(FragmentAddress address, ReadOnlySpan<byte> stored)
    {
        var entry = Entry(address.BlockIndex);
        var scheme = _manifest.Scheme;
        var shardLength = entry.ShardLength(scheme);
        if (FragmentHeader.CheckStored(stored, address, shardLength) is { } problem)
            return problem;
        Span<byte> expected = stackalloc byte[FragmentHeader.Size];
        new FragmentHeader(address.File, address.BlockIndex, address.FragmentIndex, scheme, shardLength,
            entry.FragmentTag(address.FragmentIndex).ToArray()).WriteTo(expected);
        if (!stored[..FragmentHeader.Size].SequenceEqual(expected))
            return "its header differs from the one written for it";
        return VerifyPayload(address.BlockIndex, address.FragmentIndex, stored[FragmentHeader.Size..]);
    }

    private BlockEntry Entry(long blockIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(blockIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(blockIndex, _manifest.Blocks.Count);
        return _manifest.Blocks[(int)blockIndex];
    }

    public void Dispose()
    {
        if (_ownsWorkers)
            _workers.Dispose();
    }
}

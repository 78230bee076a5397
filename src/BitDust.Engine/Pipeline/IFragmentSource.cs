namespace BitDust.Engine.Pipeline;

/// <summary>Where the decoder gets fragments from: suppliers over the network, a local folder, memory.</summary>
public interface IFragmentSource
{
    /// <summary>
    /// Reads the payload of one fragment into <paramref name="payload"/>, whose length is the payload length the manifest
    /// implies. Returns null on success, else a short reason it could not ("unavailable", "timed out", "bad header: ...").
    /// The decoder checks the payload's tag itself: a source need not trust or verify what it returns.
    /// </summary>
    ValueTask<string?> ReadAsync(FragmentAddress address, Memory<byte> payload, CancellationToken cancellationToken);

    /// <summary>Names who holds position <paramref name="fragmentIndex"/>, for error messages ("supplier bob at 10.0.0.2:7000").</summary>
    string Describe(int fragmentIndex);
}

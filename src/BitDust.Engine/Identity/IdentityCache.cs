using System.Diagnostics.CodeAnalysis;

namespace BitDust.Engine.Identity;

/// <summary>
/// The identities a node has fetched, in memory, under the same rule as the servers: once a name is known with a key,
/// only that key with a higher revision replaces it, so a hostile or stale server cannot roll a peer back or swap its key.
/// Thread-safe.
/// </summary>
public sealed class IdentityCache
{
    private readonly Dictionary<string, IdentityDocument> _documents = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public bool TryGet(string name, [NotNullWhen(true)] out IdentityDocument? document)
    {
        lock (_lock)
            return _documents.TryGetValue(name, out document);
    }

    /// <summary>Keeps <paramref name="document"/> if the rule allows; the answer says why not otherwise.</summary>
    public IdentityAcceptance Offer(IdentityDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        lock (_lock)
        {
            _documents.TryGetValue(document.Name, out var held);
            var acceptance = IdentityAcceptance.Judge(held, document);
            if (acceptance.Verdict == IdentityVerdict.Accepted)
                _documents[document.Name] = document;
            return acceptance;
        }
    }

    /// <summary>
    /// Fetches <paramref name="identityUrl"/> and offers the result; returns the copy the cache holds afterwards, which is the
    /// cached one when the fetched copy is older. A fetched copy with another key throws <see cref="IdentityFetchException"/>.
    /// </summary>
    public async Task<IdentityDocument> FetchAsync(IdentityClient client, Uri identityUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var fetched = await client.FetchAsync(identityUrl, cancellationToken).ConfigureAwait(false);
        var acceptance = Offer(fetched);
        if (acceptance.Verdict == IdentityVerdict.ForgedKey)
            throw new IdentityFetchException($"The document at {identityUrl} was refused: {acceptance.Reason}.");
        return TryGet(fetched.Name, out var held) ? held : fetched;
    }
}

using System.Diagnostics.CodeAnalysis;

namespace BitDust.Engine.Identity;

/// <summary>
/// The rule every holder of identities applies: the first document for a name binds the name to its key; after that only
/// that key may replace it, and only with a higher revision. BitDust kept the first key but let any revision through.
/// </summary>
public sealed record IdentityAcceptance(IdentityVerdict Verdict, string Reason, IdentityDocument? Document)
{
    [MemberNotNullWhen(true, nameof(Document))]
    public bool IsAccepted => Verdict is IdentityVerdict.Accepted or IdentityVerdict.Unchanged;

    /// <summary>Judges <paramref name="offered"/> against <paramref name="held"/>, the copy already kept for the same name.</summary>
    public static IdentityAcceptance Judge(IdentityDocument? held, IdentityDocument offered)
    {
        ArgumentNullException.ThrowIfNull(offered);
        if (held is null)
            return new(IdentityVerdict.Accepted, $"new identity {offered}", offered);
        if (!string.Equals(held.Name, offered.Name, StringComparison.Ordinal))
            throw new ArgumentException($"Cannot judge {offered.Name} against the identity of {held.Name}.", nameof(held));
        if (!held.PublicKey.Equals(offered.PublicKey))
        {
            return new(IdentityVerdict.ForgedKey,
                $"identity {offered.Name} is held with key {held.PublicKey.Fingerprint[..16]}; a document signed by another key " +
                $"({offered.PublicKey.Fingerprint[..16]}) cannot replace it", null);
        }
        if (held.Encoded.Span.SequenceEqual(offered.Encoded.Span))
            return new(IdentityVerdict.Unchanged, $"identity {offered} is already held", held);
        if (offered.Revision <= held.Revision)
        {
            return new(IdentityVerdict.StaleRevision,
                $"identity {offered.Name} revision {offered.Revision} is not newer than the revision {held.Revision} held; " +
                "publish a higher revision", null);
        }
        return new(IdentityVerdict.Accepted, $"identity {offered} replaces revision {held.Revision}", offered);
    }

    public static IdentityAcceptance Malformed(string reason) => new(IdentityVerdict.Malformed, reason, null);
}

namespace BitDust.Engine.Identity;

/// <summary>What <see cref="IdentityPublisher.UpdateContactsAsync"/> did: the current document, whether it is new, and per-server results.</summary>
public sealed record IdentityPublication(IdentityDocument Document, bool Changed, IReadOnlyList<PublishResult> Results);

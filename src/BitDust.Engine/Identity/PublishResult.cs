namespace BitDust.Engine.Identity;

/// <summary>What one identity server made of a publication, with the server's reason when it gave one.</summary>
public sealed record PublishResult(IdentityServerAddress Server, PublishOutcome Outcome, string Reason)
{
    public bool IsStored => Outcome is PublishOutcome.Accepted or PublishOutcome.Unchanged;
}

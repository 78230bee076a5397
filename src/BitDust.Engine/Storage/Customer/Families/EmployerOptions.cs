namespace BitDust.Engine.Storage.Customer.Families;

/// <summary>How the employer watches the family; the node fills it from <c>services/employer/*</c> (<c>EngineOptions.Employer</c>).</summary>
public sealed record EmployerOptions
{
    /// <summary><c>services/employer/ping-interval</c>: every member is pinged this often.</summary>
    public TimeSpan PingInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary><c>services/employer/audit-interval</c>: every member proves it holds a few random fragments this often.</summary>
    public TimeSpan AuditInterval { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary><c>services/employer/offline-deadline</c>: a member unreachable for longer (since last seen, or hired) is fired.</summary>
    public TimeSpan OfflineDeadline { get; init; } = TimeSpan.FromSeconds(600);

    /// <summary><c>services/employer/replace-critically-offline-enabled</c>: false only reports members past the deadline.</summary>
    public bool ReplaceOffline { get; init; } = true;

    /// <summary>Fragments checked on each member per audit.</summary>
    public int FragmentsPerAudit { get; init; } = 3;

    /// <summary>Audits failed in a row after which a member is fired (one failure may be a disk's bad sector, rebuilt in place).</summary>
    public int FailedAuditsToFire { get; init; } = 2;

    /// <summary>How long one ping, audit or fetch may take before the member counts as unreachable for it.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(20);
}

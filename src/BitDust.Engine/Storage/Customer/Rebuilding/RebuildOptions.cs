namespace BitDust.Engine.Storage.Customer.Rebuilding;

/// <summary>How often and how widely the rebuild works.</summary>
public sealed record RebuildOptions
{
    /// <summary>
    /// A pass runs on request (a supplier replaced or back online, a fragment failing its audit) and at least this often.
    /// </summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Blocks recoded at once; each holds its n fragments (about block size × n/k) while its lost ones are put.</summary>
    public int BlocksInFlight { get; init; } = 2;
}

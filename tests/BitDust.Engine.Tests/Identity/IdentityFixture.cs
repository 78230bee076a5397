using BitDust.Engine.Crypto;
using BitDust.Engine.Identity;

namespace BitDust.Engine.Tests.Identity;

internal static class IdentityFixture
{
    public static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(30);
    public static readonly DateTimeOffset SignedAt = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
    public static readonly IdentityServerAddress ExampleServer = new("id.example.com", 8084, 6661);

    public static byte[] DhtKey(int seed)
    {
        var key = new byte[IdentityDocument.DhtPublicKeySize];
        new Random(seed).NextBytes(key);
        return key;
    }

    public static IdentityDocument Document(IdentityKey key, string name = "alice", long revision = 1,
        IReadOnlyList<string>? contacts = null, IReadOnlyList<IdentityServerAddress>? servers = null) =>
        IdentityDocument.Create(key, name, DhtKey(name.Length), contacts ?? ["tcp://192.0.2.7:7771", "relay://router-1/alice"],
            servers ?? [ExampleServer], SignedAt, revision);

    public static Task WithTimeout(this Task task) => task.WaitAsync(StepTimeout);

    public static Task<T> WithTimeout<T>(this Task<T> task) => task.WaitAsync(StepTimeout);
}

/// <summary>A temporary folder removed with everything in it.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "bitdust-identity-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    private DateTimeOffset _now = now;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

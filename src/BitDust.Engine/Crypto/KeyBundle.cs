namespace BitDust.Engine.Crypto;

/// <summary>The owner's secrets that a <see cref="KeyBackup"/> holds. Disposing it wipes both keys.</summary>
public sealed record KeyBundle(MasterKey MasterKey, IdentityKey IdentityKey) : IDisposable
{
    public void Dispose()
    {
        MasterKey.Dispose();
        IdentityKey.Dispose();
    }
}

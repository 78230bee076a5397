using BitDust.Engine.Common;
using BitDust.Engine.Crypto;
using BitDust.Engine.Identity;

namespace BitDust.Engine.Tests.Identity;

public sealed class KeyStoreTests : IDisposable
{
    private readonly NodeHome _home = new(Directory.CreateTempSubdirectory("bitdust-keys-").FullName);

    [Fact]
    public async Task Keys_saved_in_a_home_load_back_and_only_the_owner_can_read_them()
    {
        using var keys = new KeyBundle(MasterKey.Generate(), IdentityKey.Generate());
        var store = new KeyStore(_home);

        await store.SaveAsync(keys, replace: false, CancellationToken.None);
        using var loaded = store.Load();

        Assert.Equal(keys.MasterKey.KeyId.ToArray(), loaded.MasterKey.KeyId.ToArray());
        Assert.Equal(keys.IdentityKey.PublicKey, loaded.IdentityKey.PublicKey);
        if (OperatingSystem.IsLinux())
        {
            foreach (var file in Directory.GetFiles(_home.KeysFolder))
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    [Fact]
    public async Task Existing_keys_are_never_silently_replaced()
    {
        using var keys = new KeyBundle(MasterKey.Generate(), IdentityKey.Generate());
        using var others = new KeyBundle(MasterKey.Generate(), IdentityKey.Generate());
        var store = new KeyStore(_home);
        await store.SaveAsync(keys, replace: false, CancellationToken.None);

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.SaveAsync(others, replace: false, CancellationToken.None));
        using var loaded = store.Load();
        Assert.Equal(keys.IdentityKey.PublicKey, loaded.IdentityKey.PublicKey);
    }

    [Fact]
    public async Task Damaged_or_missing_keys_are_a_clear_error()
    {
        var store = new KeyStore(_home);
        Assert.Contains("identity create", Assert.Throws<FileNotFoundException>(store.Load).Message, StringComparison.Ordinal);

        using var keys = new KeyBundle(MasterKey.Generate(), IdentityKey.Generate());
        await store.SaveAsync(keys, replace: false, CancellationToken.None);
        await File.WriteAllBytesAsync(Path.Combine(_home.KeysFolder, "identity.pk8"), [1, 2, 3]);

        Assert.Contains("recover them from your key backup", Assert.Throws<MalformedKeyMaterialException>(store.Load).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_DHT_key_follows_from_the_master_key()
    {
        using var master = MasterKey.Generate();
        using var other = MasterKey.Generate();
        var again = new byte[MasterKey.Size];
        master.CopyTo(again);
        using var same = MasterKey.FromBytes(again);

        Assert.Equal(KeyStore.DeriveDhtSeed(master), KeyStore.DeriveDhtSeed(same));
        Assert.NotEqual(KeyStore.DeriveDhtSeed(master), KeyStore.DeriveDhtSeed(other));
    }

    public void Dispose() => Directory.Delete(_home.Root, recursive: true);
}

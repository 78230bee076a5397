using System.Security.Cryptography;
using BitDust.Engine.Common;
using BitDust.Engine.Crypto;

namespace BitDust.Engine.Identity;

/// <summary>
/// The owner's keys in the node's home, readable by the owner only: the master key and the identity key. The DHT's ed25519
/// key is derived from the master key, so the key backup (master + identity) brings every key back.
/// </summary>
public sealed class KeyStore(NodeHome home)
{
    public const int DhtSeedSize = 32;
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private string MasterKeyFile => Path.Combine(home.KeysFolder, "master.key");

    private string IdentityKeyFile => Path.Combine(home.KeysFolder, "identity.pk8");

    public bool Exists => File.Exists(MasterKeyFile) && File.Exists(IdentityKeyFile);

    /// <summary>Writes both keys (refusing to replace existing ones unless <paramref name="replace"/>).</summary>
    public async Task SaveAsync(KeyBundle keys, bool replace, CancellationToken cancellationToken)
    {
        if (Exists && !replace)
            throw new InvalidOperationException($"{home.Root} already holds an identity's keys; use a fresh BITDUST_HOME or back them up first.");
        home.Create();
        var master = new byte[MasterKey.Size];
        try
        {
            keys.MasterKey.CopyTo(master);
            await AtomicFile.WriteAsync(MasterKeyFile, master, OwnerOnly, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(master);
        }
        var identity = keys.IdentityKey.ExportPkcs8();
        try
        {
            await AtomicFile.WriteAsync(IdentityKeyFile, identity, OwnerOnly, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(identity);
        }
    }

    /// <summary>Loads both keys; a missing or damaged file is a clear error naming it.</summary>
    public KeyBundle Load()
    {
        if (!Exists)
            throw new FileNotFoundException($"No identity in {home.Root}: create one with `bitdust identity create NAME` or recover one with `bitdust identity recover FILE`.");
        var master = File.ReadAllBytes(MasterKeyFile);
        var identity = File.ReadAllBytes(IdentityKeyFile);
        try
        {
            var masterKey = MasterKey.FromBytes(master);
            try
            {
                return new KeyBundle(masterKey, IdentityKey.ImportPkcs8(identity));
            }
            catch
            {
                masterKey.Dispose();
                throw;
            }
        }
        catch (MalformedKeyMaterialException e)
        {
            throw new MalformedKeyMaterialException($"The keys in {home.KeysFolder} are damaged ({e.Message}); recover them from your key backup.");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(master);
            CryptographicOperations.ZeroMemory(identity);
        }
    }

    /// <summary>The 32-byte ed25519 seed of the owner's DHT key, derived from the master key.</summary>
    public static byte[] DeriveDhtSeed(MasterKey masterKey)
    {
        Span<byte> master = stackalloc byte[MasterKey.Size];
        try
        {
            masterKey.CopyTo(master);
            var seed = new byte[DhtSeedSize];
            KeyDerivation.DeriveKey(master, "bitdust/dht-ed25519", seed);
            return seed;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(master);
        }
    }
}

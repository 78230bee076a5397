using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;

namespace BitDust.Engine.Network.Dht;

/// <summary>
/// The ed25519 key pair that signs a customer's BEP 44 mutable items (family, identity pointer). It is kept beside
/// the identity key; only the 32-byte seed needs storing, the public key is derived from it.
/// </summary>
public sealed class DhtSigningKey
{
    public const int SeedLength = 32;
    public const int PublicKeyLength = 32;
    public const int SignatureLength = 64;

    private readonly Ed25519PrivateKeyParameters _privateKey;

    private DhtSigningKey(Ed25519PrivateKeyParameters privateKey)
    {
        _privateKey = privateKey;
        PublicKey = privateKey.GeneratePublicKey().GetEncoded();
    }

    public byte[] PublicKey { get; }

    public static DhtSigningKey Generate() => new(new Ed25519PrivateKeyParameters(new SecureRandom()));

    public static DhtSigningKey FromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedLength)
            throw new ArgumentException($"An ed25519 seed is {SeedLength} bytes, not {seed.Length}.", nameof(seed));
        return new DhtSigningKey(new Ed25519PrivateKeyParameters(seed.ToArray(), 0));
    }

    public byte[] ExportSeed() => _privateKey.GetEncoded();

    public byte[] Sign(ReadOnlySpan<byte> message)
    {
        var signer = new Ed25519Signer();
        signer.Init(true, _privateKey);
        var bytes = message.ToArray();
        signer.BlockUpdate(bytes, 0, bytes.Length);
        return signer.GenerateSignature();
    }

    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != PublicKeyLength || signature.Length != SignatureLength)
            return false;
        Ed25519PublicKeyParameters key;
        try
        {
            key = new Ed25519PublicKeyParameters(publicKey.ToArray(), 0);
        }
        catch (ArgumentException)
        {
            // 32 bytes that are not a point of the curve: BouncyCastle 2 refuses them here, not at verification.
            return false;
        }
        var verifier = new Ed25519Signer();
        verifier.Init(false, key);
        var bytes = message.ToArray();
        verifier.BlockUpdate(bytes, 0, bytes.Length);
        return verifier.VerifySignature(signature.ToArray());
    }
}

using BitDust.Engine.Crypto;

namespace BitDust.Engine.Identity;

/// <summary>
/// A signed identity document: who a user is (name, identity key, DHT key), how to reach them (contacts) and where the
/// document lives (identity servers). Unlike BitDust, the signature covers every field including the public key, and
/// the revision must rise with each change so servers and caches can refuse old copies.
/// </summary>
/// <remarks>The format is described in <c>IdentityDocument.Format.cs</c>. Instances are immutable and thread-safe.</remarks>
public sealed partial class IdentityDocument
{
    public const int MaxSize = 16 * 1024;
    public const int DhtPublicKeySize = 32;
    public const int MaxServers = 16;

    private readonly byte[] _dhtPublicKey;
    private readonly byte[] _signature;
    private readonly byte[] _encoded;

    private IdentityDocument(string name, IdentityPublicKey publicKey, byte[] dhtPublicKey, string[] contacts,
        IdentityServerAddress[] servers, long revision, DateTimeOffset signedAt, byte[] signature)
    {
        Name = name;
        PublicKey = publicKey;
        _dhtPublicKey = dhtPublicKey;
        Contacts = Array.AsReadOnly(contacts);
        Servers = Array.AsReadOnly(servers);
        Revision = revision;
        SignedAt = signedAt;
        _signature = signature;
        _encoded = Encode(includeSignature: true);
    }

    public string Name { get; }

    /// <summary>The ECDSA P-256 key that signed this document; peers check TLS certificates against it.</summary>
    public IdentityPublicKey PublicKey { get; }

    /// <summary>The owner's ed25519 DHT key (32 bytes), which signs the owner's DHT records.</summary>
    public ReadOnlySpan<byte> DhtPublicKey => _dhtPublicKey;

    public IReadOnlyList<string> Contacts { get; }

    public IReadOnlyList<IdentityServerAddress> Servers { get; }

    /// <summary>Starts at 1 and rises by one with every re-signed change.</summary>
    public long Revision { get; }

    /// <summary>When the owner signed this revision, to the second.</summary>
    public DateTimeOffset SignedAt { get; }

    /// <summary>The exact signed bytes, as stored and served.</summary>
    public ReadOnlyMemory<byte> Encoded => _encoded;

    /// <summary>Makes and signs revision <paramref name="revision"/> of the identity of <paramref name="name"/>.</summary>
    public static IdentityDocument Create(IdentityKey key, string name, ReadOnlySpan<byte> dhtPublicKey, IReadOnlyList<string> contacts,
        IReadOnlyList<IdentityServerAddress> servers, DateTimeOffset signedAt, long revision = 1)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(servers);
        if (IdentityName.Validate(name) is { } nameProblem)
            throw new ArgumentException(nameProblem, nameof(name));
        if (dhtPublicKey.Length != DhtPublicKeySize)
            throw new ArgumentException($"A DHT public key is {DhtPublicKeySize} bytes, not {dhtPublicKey.Length}.", nameof(dhtPublicKey));
        if (IdentityContacts.Validate(contacts) is { } contactProblem)
            throw new ArgumentException(contactProblem, nameof(contacts));
        if (servers.Count > MaxServers)
            throw new ArgumentException($"An identity lives on at most {MaxServers} identity servers, not {servers.Count}.", nameof(servers));
        foreach (var server in servers)
        {
            if (!IdentityServerAddress.TryParse(server.ToString(), out var parsed, out var serverProblem) || parsed != server)
                throw new ArgumentException(serverProblem ?? $"identity server \"{server}\" is not in canonical form", nameof(servers));
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(revision);
        var seconds = DateTimeOffset.FromUnixTimeSeconds(signedAt.ToUnixTimeSeconds());
        var unsigned = new IdentityDocument(name, key.PublicKey, dhtPublicKey.ToArray(), [.. contacts], [.. servers], revision, seconds, []);
        var document = unsigned.WithSignature(key.Sign(unsigned.SignedBytes()));
        if (document._encoded.Length > MaxSize)
            throw new ArgumentException($"The identity document of {name} would be {document._encoded.Length} bytes, over {MaxSize}.");
        return document;
    }

    /// <summary>The next revision with <paramref name="contacts"/>, re-signed by the owner's <paramref name="key"/>.</summary>
    public IdentityDocument WithContacts(IdentityKey key, IReadOnlyList<string> contacts, DateTimeOffset signedAt)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!key.PublicKey.Equals(PublicKey))
        {
            throw new ArgumentException(
                $"The identity of {Name} is signed by key {PublicKey.Fingerprint[..16]}, not by {key.PublicKey.Fingerprint[..16]}.", nameof(key));
        }
        return Create(key, Name, _dhtPublicKey, contacts, Servers, signedAt, checked(Revision + 1));
    }

    /// <summary>The identity URL of this document on <paramref name="server"/>.</summary>
    public Uri UrlOn(IdentityServerAddress server) => server.IdentityUrl(Name);

    public override string ToString() => $"{Name} revision {Revision} ({PublicKey.Fingerprint[..16]})";

    private IdentityDocument WithSignature(byte[] signature) =>
        new(Name, PublicKey, _dhtPublicKey, [.. Contacts], [.. Servers], Revision, SignedAt, signature);
}

namespace BitDust.Engine.Network.Dht;

/// <summary>A BEP 44 mutable item: a value signed by the owner of <see cref="PublicKey"/>, versioned by <see cref="Sequence"/>.</summary>
/// <param name="EncodedValue">The bencoded "v", exactly as signed.</param>
public sealed record DhtMutableItem(byte[] PublicKey, byte[] Salt, long Sequence, byte[] EncodedValue, byte[] Signature)
{
    public NodeId Target => Bep44.MutableTarget(PublicKey, Salt);

    /// <summary>The value when it is a byte string (as BitDust writes them); null for other bencoded types.</summary>
    public byte[]? Value => Bencode.TryRead(EncodedValue, out var value, out _, Bep44.MaxValueLength) ? value as byte[] : null;

    public static DhtMutableItem Create(DhtSigningKey key, ReadOnlySpan<byte> salt, long sequence, ReadOnlySpan<byte> value)
    {
        var encoded = Bencode.Encode(value.ToArray());
        var signature = key.Sign(Bep44.SignatureBuffer(salt, sequence, encoded));
        return new DhtMutableItem(key.PublicKey, salt.ToArray(), sequence, encoded, signature);
    }

    public bool HasValidSignature() =>
        DhtSigningKey.Verify(PublicKey, Bep44.SignatureBuffer(Salt, Sequence, EncodedValue), Signature);
}

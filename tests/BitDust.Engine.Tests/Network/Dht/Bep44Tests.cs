using System.Text;
using BitDust.Engine.Network.Dht;
using FsCheck;
using FsCheck.Fluent;

namespace BitDust.Engine.Tests.Network.Dht;

public sealed class Bep44Tests
{
    // The test vectors of BEP 44 (bittorrent.org/beps/bep_0044.html): one key, value "Hello World!", seq 1.
    private const string VectorPublicKey = "77ff84905a91936367c01360803104f92432fcd904a43511876df5cdf3e7e548";
    private const string VectorSignature =
        "305ac8aeb6c9c151fa120f120ea2cfb923564e11552d06a5d856091e5e853cff1260d3f39e4999684aa92eb73ffd136e6f4f3ecbfda0ce53a1608ecd7ae21f01";
    private const string VectorSaltedSignature =
        "6834284b6b24c3204eb2fea824d82f88883a3d95e8b4a21b8c0ded553d17d17ddf9a8a7104b1258f30bed3787e6cb896fca78c58f8e03b5f18f14951a87d9a08";

    private static readonly byte[] HelloWorld = Encoding.ASCII.GetBytes("12:Hello World!");
    private static readonly byte[] FooBar = Encoding.ASCII.GetBytes("foobar");
    private readonly DateTimeOffset _now = DateTimeOffset.UnixEpoch;

    [Fact]
    public void The_signed_string_matches_the_bep()
    {
        Assert.Equal("3:seqi1e1:v12:Hello World!", Encoding.ASCII.GetString(Bep44.SignatureBuffer([], 1, HelloWorld)));
        Assert.Equal("4:salt6:foobar3:seqi1e1:v12:Hello World!", Encoding.ASCII.GetString(Bep44.SignatureBuffer(FooBar, 1, HelloWorld)));
    }

    [Fact]
    public void The_bep_vector_without_salt_verifies_and_has_its_target()
    {
        var item = new DhtMutableItem(Convert.FromHexString(VectorPublicKey), [], 1, HelloWorld, Convert.FromHexString(VectorSignature));
        Assert.True(item.HasValidSignature());
        Assert.Equal("4a533d47ec9c7d95b1ad75f576cffc641853b750", item.Target.ToString());
    }

    [Fact]
    public void The_bep_vector_with_salt_verifies_and_has_its_target()
    {
        var item = new DhtMutableItem(Convert.FromHexString(VectorPublicKey), FooBar, 1, HelloWorld,
            Convert.FromHexString(VectorSaltedSignature));
        Assert.True(item.HasValidSignature());
        Assert.Equal("411eba73b6f087ca51a3795d9c8c938d365e32c1", item.Target.ToString());
    }

    [Fact]
    public void The_bep_immutable_vector_has_its_target()
    {
        Assert.Equal("e5f96f6f38320f0f33959cb4d3d656452117aadb", Bep44.ImmutableTarget(HelloWorld).ToString());
    }

    [Fact]
    public void A_signature_breaks_when_any_signed_field_changes()
    {
        var key = DhtSigningKey.Generate();
        var item = DhtMutableItem.Create(key, FooBar, 7, "value"u8);
        Assert.True(item.HasValidSignature());
        Assert.False((item with { Sequence = 8 }).HasValidSignature());
        Assert.False((item with { Salt = [1] }).HasValidSignature());
        Assert.False((item with { EncodedValue = Bencode.Encode("other"u8.ToArray()) }).HasValidSignature());
        Assert.False((item with { PublicKey = DhtSigningKey.Generate().PublicKey }).HasValidSignature());
    }

    [Fact]
    public void A_signing_key_survives_export_and_import_of_its_seed()
    {
        var key = DhtSigningKey.Generate();
        var again = DhtSigningKey.FromSeed(key.ExportSeed());
        Assert.Equal(32, key.ExportSeed().Length);
        Assert.Equal(key.PublicKey, again.PublicKey);
        Assert.True(DhtSigningKey.Verify(key.PublicKey, "m"u8, again.Sign("m"u8)));
    }

    [Fact]
    public void Stores_refuse_bad_signatures_lower_seq_failed_cas_big_values_and_big_salts()
    {
        var key = DhtSigningKey.Generate();
        var store = new DhtItemStore(TimeSpan.FromHours(2));
        Assert.True(store.PutMutable(DhtMutableItem.Create(key, [], 5, "five"u8), null, _now).IsStored);

        var forged = DhtMutableItem.Create(key, [], 6, "six"u8) with { EncodedValue = Bencode.Encode("evil"u8.ToArray()) };
        Assert.Equal(KrpcErrorCode.InvalidSignature, store.PutMutable(forged, null, _now).ErrorCode);
        Assert.Equal(KrpcErrorCode.SequenceTooLow, store.PutMutable(DhtMutableItem.Create(key, [], 4, "four"u8), null, _now).ErrorCode);
        Assert.Equal(KrpcErrorCode.SequenceTooLow, store.PutMutable(DhtMutableItem.Create(key, [], 5, "other"u8), null, _now).ErrorCode);
        Assert.Equal(KrpcErrorCode.CasMismatch, store.PutMutable(DhtMutableItem.Create(key, [], 6, "six"u8), 4, _now).ErrorCode);
        Assert.True(store.PutMutable(DhtMutableItem.Create(key, [], 6, "six"u8), 5, _now).IsStored);
        var tooBig = DhtMutableItem.Create(key, [], 7, new byte[1000]);
        Assert.Equal(KrpcErrorCode.MessageTooBig, store.PutMutable(tooBig, null, _now).ErrorCode);
        Assert.Equal(KrpcErrorCode.SaltTooBig, store.PutMutable(DhtMutableItem.Create(key, new byte[65], 1, "x"u8), null, _now).ErrorCode);
        Assert.Equal(KrpcErrorCode.MessageTooBig, store.PutImmutable(Bencode.Encode(new byte[997]), _now).ErrorCode);
        Assert.Equal(Bencode.Encode("six"u8.ToArray()), store.GetMutable(Bep44.MutableTarget(key.PublicKey, []), _now)!.EncodedValue);
    }

    [Fact]
    public void Salts_give_one_key_independent_items()
    {
        var key = DhtSigningKey.Generate();
        var store = new DhtItemStore(TimeSpan.FromHours(2));
        Assert.True(store.PutMutable(DhtMutableItem.Create(key, "family"u8, 9, "a"u8), null, _now).IsStored);
        Assert.True(store.PutMutable(DhtMutableItem.Create(key, "identity"u8, 1, "b"u8), null, _now).IsStored);
        Assert.Equal(9, store.GetMutable(Bep44.MutableTarget(key.PublicKey, "family"u8), _now)!.Sequence);
        Assert.Equal(1, store.GetMutable(Bep44.MutableTarget(key.PublicKey, "identity"u8), _now)!.Sequence);
    }

    [Fact]
    public void Items_expire_after_their_lifetime()
    {
        var store = new DhtItemStore(TimeSpan.FromMinutes(5));
        var encoded = Bencode.Encode("x"u8.ToArray());
        store.PutImmutable(encoded, _now);
        Assert.NotNull(store.GetImmutable(Bep44.ImmutableTarget(encoded), _now.AddMinutes(4)));
        Assert.Null(store.GetImmutable(Bep44.ImmutableTarget(encoded), _now.AddMinutes(5)));
        store.RemoveExpired(_now.AddMinutes(5));
        Assert.Equal(0, store.ItemCount);
    }

    [Fact]
    public void Any_higher_seq_replaces_and_any_lower_is_refused()
    {
        var key = DhtSigningKey.Generate();
        Prop.ForAll(Gen.Choose(0, 1000).ToArbitrary(), Gen.Choose(0, 1000).ToArbitrary(), (first, second) =>
        {
            var store = new DhtItemStore(TimeSpan.FromHours(2));
            store.PutMutable(DhtMutableItem.Create(key, [], first, BitConverter.GetBytes(first)), null, _now);
            var result = store.PutMutable(DhtMutableItem.Create(key, [], second, BitConverter.GetBytes(second)), null, _now);
            return second >= first ? result.IsStored : result.ErrorCode == KrpcErrorCode.SequenceTooLow;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(50));
    }
}

using System.Text;
using BitDust.Engine.Network.Dht;
using BitDust.Engine.Storage.Customer;
using BitDust.Engine.Storage.Customer.Families;
using BitDust.Engine.Storage.Protocol;
using FsCheck;
using FsCheck.Fluent;

namespace BitDust.Engine.Tests.Storage.Protocol;

/// <summary>The family record a customer leaves with its suppliers: only the owner's exact signed bytes are taken.</summary>
public sealed class FamilyMetaTests
{
    private static readonly DhtSigningKey Owner = DhtSigningKey.Generate();

    private static FamilyMeta Record(long sequence, byte[]? large = null)
    {
        var value = large is null
            ? FamilyRecord.Encode(["bob", null, "carol", "dave"])
            : Encoding.UTF8.GetBytes("bitdust-family-large 1 x");
        return new FamilyMeta(DhtMutableItem.Create(Owner, Encoding.UTF8.GetBytes(FamilyMeta.Salt), sequence, value), large);
    }

    private static (bool, string?) Parse(byte[] bytes) =>
        FamilyMeta.TryDecode(bytes, out _, out var error) ? (true, null) : (false, error);

    [Fact]
    public void A_record_reads_back_as_written_and_is_taken_exactly()
    {
        var record = Record(7, large: [1, 2, 3]);
        Assert.True(FamilyMeta.TryDecode(record.Encode(), out var read, out var error), error);
        Assert.Equal(record.Encode(), read.Encode());
        Assert.Equal(7L, read.Item.Sequence);
        Assert.Equal(record.LargeValue, read.LargeValue);
        WireParserChecks.AssertTakenExactly("family record", Parse, Record(3).Encode());
    }

    [Fact]
    public void An_altered_value_another_salt_or_a_foreign_signature_is_refused()
    {
        var record = Record(2);
        var forged = Bencode.Encode("bitdust-family 1 4\nmallory\n-\n-\n-"u8.ToArray());
        var altered = record with { Item = record.Item with { EncodedValue = forged } };
        Assert.Equal("the record's signature does not match its key: it was altered", FamilyMeta.Validate(altered.Encode()));
        var otherSalt = new FamilyMeta(DhtMutableItem.Create(Owner, "bitdust:other"u8, 2, "x"u8), null);
        Assert.Contains("salt", FamilyMeta.Validate(otherSalt.Encode()), StringComparison.Ordinal);
        var stranger = DhtMutableItem.Create(DhtSigningKey.Generate(), Encoding.UTF8.GetBytes(FamilyMeta.Salt), 2, "x"u8);
        var swapped = record with { Item = record.Item with { Signature = stranger.Signature } };
        Assert.NotNull(FamilyMeta.Validate(swapped.Encode()));
    }

    [Fact]
    public void Random_and_damaged_bytes_get_a_clean_answer_never_an_exception()
    {
        var garbage = Gen.OneOf(
            ArbMap.Default.GeneratorFor<byte[]>(),
            ArbMap.Default.GeneratorFor<byte[]>().Select(tail => (byte[])[.. "BDFM"u8, FamilyMeta.FormatVersion, .. tail]));
        Prop.ForAll(garbage.ToArbitrary(), bytes => WireParserChecks.Answers(Parse, bytes))
            .Check(Config.QuickThrowOnFailure.WithMaxTest(2000));
        WireParserChecks.DamagedBodiesGetCleanAnswers([Record(1).Encode(), Record(9, large: new byte[2000]).Encode()], [Parse]);
    }
}

using System.Text;
using BitDust.Engine.Crypto;
using BitDust.Engine.Identity;
using FsCheck;
using FsCheck.Fluent;
using static BitDust.Engine.Tests.Identity.IdentityFixture;

namespace BitDust.Engine.Tests.Identity;

public sealed class IdentityDocumentTests : IDisposable
{
    private readonly IdentityKey _key = IdentityKey.Generate();

    public void Dispose() => _key.Dispose();

    [Fact]
    public void A_document_survives_a_round_trip_with_every_field()
    {
        var document = Document(_key, "alice-2_b", revision: 7);

        Assert.True(IdentityDocument.TryParse(document.Encoded.Span, out var read, out var error), error);
        Assert.Equal("alice-2_b", read.Name);
        Assert.Equal(_key.PublicKey, read.PublicKey);
        Assert.Equal(DhtKey("alice-2_b".Length), read.DhtPublicKey.ToArray());
        Assert.Equal(["tcp://192.0.2.7:7771", "relay://router-1/alice"], read.Contacts);
        Assert.Equal([ExampleServer], read.Servers);
        Assert.Equal(7, read.Revision);
        Assert.Equal(SignedAt, read.SignedAt);
        Assert.Equal(document.Encoded.ToArray(), read.Encoded.ToArray());
        Assert.StartsWith("{\"format\":1,\"name\":\"alice-2_b\",\"publicKey\":", Encoding.ASCII.GetString(read.Encoded.Span), StringComparison.Ordinal);
    }

    [Fact]
    public void New_contacts_bump_the_revision_and_are_signed_again()
    {
        var first = Document(_key);
        var second = first.WithContacts(_key, ["tcp://198.51.100.9:7771"], SignedAt.AddMinutes(5));

        Assert.Equal(2, second.Revision);
        Assert.Equal(["tcp://198.51.100.9:7771"], second.Contacts);
        Assert.True(IdentityDocument.TryParse(second.Encoded.Span, out _, out var error), error);
        using var stranger = IdentityKey.Generate();
        Assert.Throws<ArgumentException>(() => first.WithContacts(stranger, [], SignedAt));
    }

    [Fact]
    public void Any_flipped_byte_or_bit_is_refused()
    {
        var encoded = Document(_key).Encoded.ToArray();
        for (var i = 0; i < encoded.Length; i++)
        {
            foreach (var mask in new byte[] { 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xFF })
            {
                var altered = (byte[])encoded.Clone();
                altered[i] ^= mask;
                Assert.False(IdentityDocument.TryParse(altered, out _, out var error), $"byte {i} ^ 0x{mask:x2} was accepted");
                Assert.StartsWith("identity document", error, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Garbage_truncated_and_oversized_input_is_refused_with_a_reason()
    {
        var encoded = Document(_key).Encoded.ToArray();
        var garbage = ArbMap.Default.GeneratorFor<byte[]>();
        var truncated = Gen.Choose(0, encoded.Length - 1).Select(n => encoded[..n]);
        var extended = ArbMap.Default.GeneratorFor<byte[]>().Where(tail => tail.Length > 0).Select(tail => encoded.Concat(tail).ToArray());
        var oversized = Gen.Choose(IdentityDocument.MaxSize + 1, IdentityDocument.MaxSize * 4).Select(n => new byte[n]);
        var cases = Gen.OneOf(garbage, truncated, extended, oversized);
        Prop.ForAll(cases.ToArbitrary(), input =>
            !IdentityDocument.TryParse(input, out _, out var error) && error.StartsWith("identity document", StringComparison.Ordinal))
            .Check(Config.QuickThrowOnFailure.WithMaxTest(1000));
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("{\"format\":1", "is not complete JSON")]
    [InlineData("[1,2]", "not an object")]
    [InlineData("{\"format\":2}", "format 2")]
    [InlineData("{\"format\":1,\"name\":\"alice\"}", "is not signed")]
    [InlineData("{\"format\":1,\"extra\":0}", "unknown field \"extra\"")]
    public void Each_kind_of_bad_document_is_named(string text, string reason)
    {
        Assert.False(IdentityDocument.TryParse(Encoding.UTF8.GetBytes(text), out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_document_without_its_signature_or_with_another_keys_signature_is_refused()
    {
        var text = Encoding.ASCII.GetString(Document(_key).Encoded.Span);
        var unsigned = text[..text.IndexOf(",\"signature\"", StringComparison.Ordinal)] + "}";
        Assert.False(IdentityDocument.TryParse(Encoding.ASCII.GetBytes(unsigned), out _, out var error));
        Assert.Contains("is not signed", error, StringComparison.Ordinal);

        using var other = IdentityKey.Generate();
        var otherText = Encoding.ASCII.GetString(Document(other).Encoded.Span);
        var signature = otherText[otherText.IndexOf(",\"signature\"", StringComparison.Ordinal)..];
        var swapped = text[..text.IndexOf(",\"signature\"", StringComparison.Ordinal)] + signature;
        Assert.False(IdentityDocument.TryParse(Encoding.ASCII.GetBytes(swapped), out _, out error));
        Assert.Contains("bad signature", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Whitespace_or_reordered_fields_are_refused_as_non_canonical()
    {
        var text = Encoding.ASCII.GetString(Document(_key).Encoded.Span);
        Assert.False(IdentityDocument.TryParse(Encoding.ASCII.GetBytes(text.Replace(",\"name\"", ", \"name\"", StringComparison.Ordinal)),
            out _, out var error));
        Assert.Contains("canonical", error, StringComparison.Ordinal);
        Assert.False(IdentityDocument.TryParse(Encoding.ASCII.GetBytes(text.Replace("\"alice\"", "\"\\u0061lice\"", StringComparison.Ordinal)),
            out _, out error));
        Assert.Contains("canonical", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("al", false)]
    [InlineData("alice", true)]
    [InlineData("a-b_c9", true)]
    [InlineData("Alice", false)]
    [InlineData("9lives", false)]
    [InlineData("al ice", false)]
    [InlineData("alice.xml", false)]
    [InlineData("../etc", false)]
    [InlineData("abcdefghijklmnopqrstuvwxyz012345", true)]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456", false)]
    public void User_names_follow_bitdusts_rules(string name, bool valid)
    {
        Assert.Equal(valid, IdentityName.Validate(name) is null);
        if (!valid)
            Assert.Throws<ArgumentException>(() => Document(_key, name));
    }

    [Theory]
    [InlineData("tcp://192.0.2.7:7771", true)]
    [InlineData("relay://router-1/alice", true)]
    [InlineData("not a uri", false)]
    [InlineData("tcp://host:7771/\"quoted\"", false)]
    [InlineData("/relative/path", false)]
    [InlineData("tcp://h\u00e9st:1", false)]
    public void Contacts_are_absolute_printable_uris(string contact, bool valid) =>
        Assert.Equal(valid, IdentityContacts.Validate([contact]) is null);

    [Fact]
    public void Contact_lists_are_bounded_and_without_repeats()
    {
        var many = Enumerable.Range(1, IdentityContacts.MaxCount + 1).Select(i => $"tcp://192.0.2.{i}:7771").ToArray();
        Assert.Contains("at most", IdentityContacts.Validate(many), StringComparison.Ordinal);
        Assert.Null(IdentityContacts.Validate(many[..IdentityContacts.MaxCount]));
        Assert.Contains("repeats", IdentityContacts.Validate(["tcp://a:1", "tcp://a:1"]), StringComparison.Ordinal);
        Assert.NotNull(IdentityContacts.Validate(["tcp://a:1/" + new string('x', IdentityContacts.MaxLength)]));
    }

    [Theory]
    [InlineData("id.example.com:8084:6661", true)]
    [InlineData("127.0.0.1:80:6661", true)]
    [InlineData("[::1]:80:6661", true)]
    [InlineData("::1:80:6661", false)]
    [InlineData("host:080:6661", false)]
    [InlineData("host:0:6661", false)]
    [InlineData("host:8084", false)]
    [InlineData("bad host:1:2", false)]
    public void Identity_servers_are_host_web_port_tcp_port(string text, bool valid)
    {
        Assert.Equal(valid, IdentityServerAddress.TryParse(text, out var address, out _));
        if (valid)
            Assert.Equal(text, address.ToString());
    }

    [Fact]
    public void Identity_urls_are_bitdust_style_and_name_the_user()
    {
        var url = ExampleServer.IdentityUrl("alice");
        Assert.Equal("http://id.example.com:8084/alice.xml", url.ToString());
        Assert.True(IdentityUrls.TryGetName(url, out var name, out _));
        Assert.Equal("alice", name);
        Assert.True(IdentityUrls.TryGetName(new Uri("http://h:1/bob.json"), out name, out _));
        Assert.Equal("bob", name);
        Assert.False(IdentityUrls.TryGetName(new Uri("http://h:1/Bob.html"), out _, out _));
    }
}

using System.Text;
using BitDust.Engine.Network.Transport;
using BitDust.Engine.Pipeline;
using BitDust.Engine.Storage.Protocol;
using FsCheck;
using FsCheck.Fluent;
using static BitDust.Engine.Tests.Storage.Protocol.SupplierHarness;

namespace BitDust.Engine.Tests.Storage.Protocol;

public sealed class StorageMessageTests
{
    /// <summary>Every parser of the protocol, requests and answers, each run on the bytes given.</summary>
    private static IEnumerable<(string Name, Func<byte[], (bool Parsed, string? Error)> Parse)> AllParsers()
    {
        yield return ("empty", b => (StorageWire.TryReadEmpty(b, "empty", out var e), e));
        yield return ("offer", b => (SpaceMessages.TryReadOffer(b, out _, out var e), e));
        yield return ("space request", b => (SpaceMessages.TryReadRequest(b, out _, out var e), e));
        yield return ("grant", b => (SpaceMessages.TryReadGrant(b, out _, out var e), e));
        yield return ("fragment put", b => (FragmentMessages.TryReadPut(b, out _, out var e), e));
        yield return ("fragment key", b => (FragmentMessages.TryReadKey(b, out _, out var e), e));
        yield return ("maybe", b => (FragmentMessages.TryReadMaybe(b, StorageWire.MaxFragmentLength, "maybe", out _, out var e), e));
        yield return ("list query", b => (FragmentMessages.TryReadListQuery(b, out _, out var e), e));
        yield return ("page", b => (FragmentMessages.TryReadPage(b, out _, out var e), e));
        yield return ("file", b => (FragmentMessages.TryReadFile(b, out _, out var e), e));
        yield return ("count", b => (FragmentMessages.TryReadCount(b, out _, out var e), e));
        yield return ("audit", b => (FragmentMessages.TryReadAudit(b, out _, out var e), e));
        yield return ("hash", b => (FragmentMessages.TryReadHash(b, out _, out var e), e));
        yield return ("meta put", b => (MetaMessages.TryReadPut(b, out _, out var e), e));
        yield return ("meta get", b => (MetaMessages.TryReadGet(b, out _, out var e), e));
    }

    /// <summary>One well-formed body of each kind, so mutations and truncations start from something that parses.</summary>
    private static IEnumerable<byte[]> ValidBodies()
    {
        var file = new FileVersion(Guid.NewGuid(), 3);
        var key = Key(file, 5, 2);
        yield return StorageWire.Empty();
        yield return SpaceMessages.EncodeOffer(new SpaceOffer(1000, 10));
        yield return SpaceMessages.EncodeRequest(4096);
        yield return SpaceMessages.EncodeGrant(new SpaceGrant(4096, 100));
        yield return FragmentMessages.EncodePut(key, Fragment(key, 100));
        yield return FragmentMessages.EncodeKey(key);
        yield return FragmentMessages.EncodeMaybe(new byte[70]);
        yield return FragmentMessages.EncodeMaybe(null);
        yield return FragmentMessages.EncodeListQuery(new FragmentListQuery(file, key));
        yield return FragmentMessages.EncodeListQuery(new FragmentListQuery(null, null));
        yield return FragmentMessages.EncodePage(new FragmentPage([new StoredFragment(key, 164, new byte[32])], More: true));
        yield return FragmentMessages.EncodeFile(file);
        yield return FragmentMessages.EncodeCount(7);
        yield return FragmentMessages.EncodeAudit(key, new byte[24]);
        yield return FragmentMessages.EncodeHash(new byte[32]);
        yield return MetaMessages.EncodePut("catalog", new byte[300]);
        yield return MetaMessages.EncodeGet("catalog");
    }

    [Fact]
    public void Random_bytes_give_every_parser_a_clean_answer_never_an_exception()
    {
        var garbage = Gen.OneOf(
            ArbMap.Default.GeneratorFor<byte[]>(),
            ArbMap.Default.GeneratorFor<byte[]>().Select(tail => (byte[])[StorageWire.Version, .. tail]),
            Gen.Choose(0, 255).SelectMany(length => Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), length))
                .Select(tail => (byte[])[StorageWire.Version, 0, 0, 0, .. tail]));
        Prop.ForAll(garbage.ToArbitrary(), bytes => AllParsers().All(p => WireParserChecks.Answers(p.Parse, bytes)))
            .Check(Config.QuickThrowOnFailure.WithMaxTest(2000));
    }

    [Fact]
    public void Truncated_or_mutated_valid_bodies_give_every_parser_a_clean_answer() =>
        WireParserChecks.DamagedBodiesGetCleanAnswers(ValidBodies().ToArray(), AllParsers().Select(p => p.Parse));

    [Fact]
    public void Every_valid_body_parses_and_every_strict_prefix_of_it_is_refused_by_its_own_parser()
    {
        var pairs = ValidBodies().Zip(new[]
        {
            "empty", "offer", "space request", "grant", "fragment put", "fragment key", "maybe", "maybe", "list query", "list query",
            "page", "file", "count", "audit", "hash", "meta put", "meta get",
        });
        var parsers = AllParsers().ToDictionary(p => p.Name, p => p.Parse);
        foreach (var (body, name) in pairs)
            WireParserChecks.AssertTakenExactly(name, parsers[name], body);
    }

    [Fact]
    public void Lengths_over_their_bounds_are_refused_before_anything_is_allocated()
    {
        var key = Key(FileVersion.NewFile());
        var put = FragmentMessages.EncodePut(key, Fragment(key, 10));
        // The declared length sits after the version byte and the key.
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(put.AsSpan(1 + FragmentKey.Size), int.MaxValue);
        Assert.False(FragmentMessages.TryReadPut(put, out _, out var putError));
        Assert.Contains("allowed 64 to", putError, StringComparison.Ordinal);

        byte[] page = [StorageWire.Version, 0, 0x7F, 0xFF, 0xFF, 0xFF];
        Assert.False(FragmentMessages.TryReadPage(page, out _, out var pageError));
        Assert.Contains("allowed 0 to 4096", pageError, StringComparison.Ordinal);

        byte[] maybe = [StorageWire.Version, 1, 0x7F, 0xFF, 0xFF, 0xFF];
        Assert.False(FragmentMessages.TryReadMaybe(maybe, StorageWire.MaxMetaLength, "meta get answer", out _, out var maybeError));
        Assert.Contains("allowed 0 to 1048576", maybeError, StringComparison.Ordinal);

        var audit = FragmentMessages.EncodeAudit(key, new byte[16]);
        audit[1 + FragmentKey.Size] = 8;
        Assert.False(FragmentMessages.TryReadAudit(audit, out _, out var auditError));
        Assert.Contains("a nonce of 8 bytes", auditError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Garbage_requests_of_every_kind_come_back_as_refusals_and_the_supplier_keeps_serving()
    {
        await using var harness = await StartAsync(1 << 20, "alice");
        var alice = harness.Node("alice");
        await using var connection = await alice.DialAsync(harness.Contact);
        var garbage = Gen.OneOf(
            ArbMap.Default.GeneratorFor<byte[]>(),
            Gen.Elements(ValidBodies().ToArray()).SelectMany(body => Gen.Choose(0, body.Length).Select(cut => body[..cut])));

        foreach (var kind in StorageWire.Kinds)
        {
            foreach (var body in garbage.Sample(40))
            {
                try
                {
                    await connection.SendRequestAsync(kind, body).WaitAsync(StepTimeout);
                }
                catch (PeerRequestException e)
                {
                    Assert.DoesNotContain("handler failed", e.Reason, StringComparison.Ordinal);
                }
            }
        }

        // Some garbage is a valid request (a whole body, or bytes that happen to parse); releasing undoes what it did.
        var client = harness.Client("alice");
        await client.ReleaseSpaceAsync(CancellationToken.None).WaitAsync(StepTimeout);
        Assert.Equal(new SpaceOffer(1 << 20, 1 << 20), await client.GetOfferAsync(CancellationToken.None).WaitAsync(StepTimeout));
        Assert.DoesNotContain(alice.Log.Lines, l => l.Contains("Protocol error", StringComparison.Ordinal));
        Assert.DoesNotContain(harness.SupplierNode.Log.Lines, l => l.StartsWith("Error", StringComparison.Ordinal));
    }

    [Fact]
    public void Meta_names_are_one_to_255_bytes_of_printable_utf8()
    {
        Assert.Null(MetaMessages.ValidateName("catalog/2026-11-22 ✓"));
        Assert.NotNull(MetaMessages.ValidateName(""));
        Assert.NotNull(MetaMessages.ValidateName(new string('é', 128)));
        Assert.NotNull(MetaMessages.ValidateName("bad\nname"));
        byte[] invalidUtf8 = [StorageWire.Version, 2, 0xC3, 0x28];
        Assert.False(MetaMessages.TryReadGet(invalidUtf8, out _, out var error));
        Assert.Contains("not UTF-8", error, StringComparison.Ordinal);
        Assert.True(MetaMessages.TryReadGet(MetaMessages.EncodeGet(Encoding.UTF8.GetString("caf\u00e9"u8)), out var name, out _));
        Assert.Equal("café", name);
    }
}

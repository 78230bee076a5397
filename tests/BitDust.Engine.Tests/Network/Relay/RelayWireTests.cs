using System.Security.Cryptography;
using System.Text;
using BitDust.Engine.Crypto;
using BitDust.Engine.Network.Relay;
using FsCheck;
using FsCheck.Fluent;

namespace BitDust.Engine.Tests.Network.Relay;

public sealed class RelayWireTests
{
    /// <summary>Every parser of the relay, preamble and answer and control messages, each run on the bytes given.</summary>
    private static IEnumerable<(string Name, Func<byte[], (bool Parsed, string? Error)> Parse)> AllParsers()
    {
        yield return ("preamble", b => (RelayPreamble.TryRead(b, out _, out var e), e));
        yield return ("answer", b => (RelayAnswer.TryRead(b, out _, out var e), e));
        yield return ("empty", b => (RelayMessages.TryReadEmpty(b, "empty", out var e), e));
        yield return ("register", b => (RelayMessages.TryReadRegister(b, out _, out var e), e));
        yield return ("registered", b => (RelayMessages.TryReadRegistered(b, out _, out var e), e));
        yield return ("incoming", b => (RelayMessages.TryReadIncoming(b, out _, out var e), e));
        yield return ("probe", b => (RelayMessages.TryReadProbe(b, out _, out var e), e));
        yield return ("probe result", b => (RelayMessages.TryReadProbeResult(b, out _, out var e), e));
        yield return ("list", b => (RelayMessages.TryReadList(b, out _, out var e), e));
    }

    /// <summary>One well-formed body of each kind, named by its parser, so mutations start from something that parses.</summary>
    private static IEnumerable<(string Parser, byte[] Bytes)> ValidBodies()
    {
        yield return ("preamble", RelayPreamble.Connect(RandomNumberGenerator.GetBytes(IdentityPublicKey.FingerprintSize)));
        yield return ("preamble", RelayPreamble.Accept(RandomNumberGenerator.GetBytes(RelayPreamble.TokenSize)));
        yield return ("answer", RelayAnswer.Ok.Encode());
        yield return ("answer", new RelayAnswer(RelayStatus.NoRoute, "no node with key 0123 is registered here").Encode());
        yield return ("empty", RelayMessages.Empty());
        yield return ("register", RelayMessages.EncodeRegister(RelayFlags.Supplier));
        yield return ("registered", RelayMessages.EncodeRegistered(TimeSpan.FromSeconds(90)));
        yield return ("incoming", RelayMessages.EncodeIncoming(RandomNumberGenerator.GetBytes(RelayPreamble.TokenSize)));
        yield return ("probe", RelayMessages.EncodeProbe("tcp://203.0.113.7:7771"));
        yield return ("probe result", RelayMessages.EncodeProbeResult(new RelayProbeResult(true, "router-1 found your key — ✓")));
        yield return ("list", RelayMessages.EncodeList(["http://id.example.org:8084/bob.xml", "carol"]));
    }

    [Fact]
    public void Every_valid_body_round_trips_and_every_strict_prefix_or_longer_body_is_refused_with_a_reason()
    {
        var parsers = AllParsers().ToDictionary(p => p.Name, p => p.Parse);
        foreach (var (name, body) in ValidBodies())
            WireParserChecks.AssertTakenExactly(name, parsers[name], body);
    }

    [Fact]
    public void Values_come_back_as_they_were_sent()
    {
        var fingerprint = RandomNumberGenerator.GetBytes(IdentityPublicKey.FingerprintSize);
        Assert.True(RelayPreamble.TryRead(RelayPreamble.Connect(fingerprint), out var connect, out _));
        Assert.Equal(RelayCommand.Connect, connect.Command);
        Assert.Equal(fingerprint, connect.Body);
        var token = RandomNumberGenerator.GetBytes(RelayPreamble.TokenSize);
        Assert.True(RelayPreamble.TryRead(RelayPreamble.Accept(token), out var accept, out _));
        Assert.Equal(RelayCommand.Accept, accept.Command);
        Assert.Equal(token, accept.Body);
        Assert.True(RelayMessages.TryReadIncoming(RelayMessages.EncodeIncoming(token), out var incoming, out _));
        Assert.Equal(token, incoming);

        Assert.True(RelayMessages.TryReadRegister(RelayMessages.EncodeRegister(RelayFlags.Supplier), out var flags, out _));
        Assert.Equal(RelayFlags.Supplier, flags);
        Assert.True(RelayMessages.TryReadRegistered(RelayMessages.EncodeRegistered(TimeSpan.FromMilliseconds(250)), out var idle, out _));
        Assert.Equal(TimeSpan.FromMilliseconds(250), idle);
        Assert.True(RelayMessages.TryReadProbe(RelayMessages.EncodeProbe("tcp://[::1]:7771"), out var contact, out _));
        Assert.Equal("tcp://[::1]:7771", contact);
        var result = new RelayProbeResult(false, "could not reach you at tcp://[::1]:7771: Connection refused");
        Assert.True(RelayMessages.TryReadProbeResult(RelayMessages.EncodeProbeResult(result), out var read, out _));
        Assert.Equal(result, read);
        Assert.True(RelayMessages.TryReadList(RelayMessages.EncodeList(["carol", "dave"]), out var names, out _));
        Assert.Equal(["carol", "dave"], names);
        Assert.True(RelayMessages.TryReadList(RelayMessages.EncodeList([]), out var none, out _));
        Assert.Empty(none);
    }

    [Fact]
    public void A_reason_is_cut_to_200_bytes_at_a_character_boundary_and_control_characters_never_reach_the_wire()
    {
        var answer = new RelayAnswer(RelayStatus.Busy, new string('é', 150) + "\nsecond line");

        var bytes = answer.Encode();

        Assert.Equal(RelayAnswer.HeaderSize + 200, bytes.Length);
        Assert.True(RelayAnswer.TryRead(bytes, out var read, out var error), error);
        Assert.Equal(new string('é', 100), read.Reason);
        Assert.True(RelayAnswer.TryRead(new RelayAnswer(RelayStatus.Busy, "a\r\nb").Encode(), out var flattened, out _));
        Assert.Equal("a  b", flattened.Reason);
    }

    [Fact]
    public void Lengths_and_values_out_of_bounds_are_refused_with_what_was_wrong()
    {
        byte[] longReason = [(byte)RelayStatus.NoRoute, 201, .. new byte[201]];
        Assert.False(RelayAnswer.TryRead(longReason, out _, out var reasonError));
        Assert.Contains("allowed 0 to 200", reasonError, StringComparison.Ordinal);
        Assert.False(RelayAnswer.TryRead([99, 0], out _, out var statusError));
        Assert.Contains("unknown relay status 99", statusError, StringComparison.Ordinal);

        byte[] tls = [0x16, 0x03, 0x01, 0x02, 0x00, 0x01];
        Assert.False(RelayPreamble.TryRead(tls, out _, out var magicError));
        Assert.Contains("no relay magic", magicError, StringComparison.Ordinal);
        byte[] version2 = [.. "BDRL"u8, 2, 1, .. new byte[32]];
        Assert.False(RelayPreamble.TryRead(version2, out _, out var versionError));
        Assert.Contains("version 2", versionError, StringComparison.Ordinal);
        byte[] command9 = [.. "BDRL"u8, 1, 9];
        Assert.False(RelayPreamble.TryRead(command9, out _, out var commandError));
        Assert.Contains("unknown relay command 9", commandError, StringComparison.Ordinal);

        byte[] tooMany = [RelayMessages.Version, 0xFF, 0xFF];
        Assert.False(RelayMessages.TryReadList(tooMany, out _, out var listError));
        Assert.Contains("allowed 0 to 1000", listError, StringComparison.Ordinal);
        Assert.False(RelayMessages.TryReadRegister([RelayMessages.Version, 0x80], out _, out var flagsError));
        Assert.Contains("unknown flags 0x80", flagsError, StringComparison.Ordinal);
        Assert.False(RelayMessages.TryReadRegistered([RelayMessages.Version, 0, 0, 0, 0], out _, out var idleError));
        Assert.Contains("idle timeout of 0 ms", idleError, StringComparison.Ordinal);
        var spaced = RelayMessages.EncodeProbe("tcp://host:1");
        spaced[^1] = (byte)' ';
        Assert.False(RelayMessages.TryReadProbe(spaced, out _, out var probeError));
        Assert.Contains("printable ASCII", probeError, StringComparison.Ordinal);
        Assert.False(RelayMessages.TryReadList([RelayMessages.Version, 0, 1, 0, 2, 0xC3, 0x28], out _, out var utf8Error));
        Assert.Contains("not UTF-8", utf8Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Random_bytes_give_every_parser_a_clean_answer_never_an_exception()
    {
        var garbage = Gen.OneOf(
            ArbMap.Default.GeneratorFor<byte[]>(),
            ArbMap.Default.GeneratorFor<byte[]>().Select(tail => (byte[])[RelayMessages.Version, .. tail]),
            ArbMap.Default.GeneratorFor<byte[]>().Select(tail => (byte[])[.. "BDRL"u8, RelayPreamble.Version, .. tail]),
            Gen.Choose(0, 255).SelectMany(length => Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), length))
                .Select(tail => (byte[])[RelayMessages.Version, 0, 3, .. tail]));
        Prop.ForAll(garbage.ToArbitrary(), bytes => AllParsers().All(p => WireParserChecks.Answers(p.Parse, bytes)))
            .Check(Config.QuickThrowOnFailure.WithMaxTest(2000));
    }

    [Fact]
    public void Truncated_or_mutated_valid_bodies_give_every_parser_a_clean_answer() =>
        WireParserChecks.DamagedBodiesGetCleanAnswers(ValidBodies().Select(b => b.Bytes).ToArray(), AllParsers().Select(p => p.Parse));

    [Fact]
    public async Task Streamed_preambles_and_answers_are_read_to_their_end_and_not_a_byte_further()
    {
        var fingerprint = RandomNumberGenerator.GetBytes(IdentityPublicKey.FingerprintSize);
        var after = Encoding.ASCII.GetBytes("TLS starts here");
        using var preambleStream = new MemoryStream([.. RelayPreamble.Connect(fingerprint), .. after]);
        var (preamble, preambleError) = await RelayPreamble.ReadAsync(preambleStream, CancellationToken.None);
        Assert.True(preamble is not null, preambleError);
        Assert.Equal(fingerprint, preamble.Value.Body);
        Assert.Equal(RelayPreamble.MaxSize, preambleStream.Position);

        using var answerStream = new MemoryStream([.. new RelayAnswer(RelayStatus.Ok, "tunnel 7").Encode(), .. after]);
        var (answer, answerError) = await RelayAnswer.ReadAsync(answerStream, CancellationToken.None);
        Assert.True(answer is not null, answerError);
        Assert.Equal("tunnel 7", answer.Value.Reason);
        Assert.Equal(RelayAnswer.HeaderSize + 8, answerStream.Position);

        using var cut = new MemoryStream(RelayPreamble.Accept(new byte[RelayPreamble.TokenSize])[..10]);
        var (none, cutError) = await RelayPreamble.ReadAsync(cut, CancellationToken.None);
        Assert.Null(none);
        Assert.Contains("a relay Accept is 22 bytes, not 10", cutError, StringComparison.Ordinal);
    }
}

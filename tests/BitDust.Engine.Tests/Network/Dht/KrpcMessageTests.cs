using System.Text;
using BitDust.Engine.Network.Dht;
using FsCheck;
using FsCheck.Fluent;

namespace BitDust.Engine.Tests.Network.Dht;

public sealed class KrpcMessageTests
{
    [Fact]
    public void A_query_round_trips()
    {
        var id = NodeId.Random();
        var target = NodeId.Random();
        var bytes = KrpcMessage.EncodeQuery("aa"u8, "find_node", new BencodeDictionary { { "id", id.Bytes }, { "target", target.Bytes } });

        Assert.True(KrpcMessage.TryParse(bytes, out var message, out var error, out _), error);
        Assert.Equal(KrpcMessageKind.Query, message.Kind);
        Assert.Equal("find_node", message.Method);
        Assert.Equal(id, message.SenderId);
        Assert.Equal("aa"u8.ToArray(), message.TransactionId);
    }

    [Fact]
    public void The_bep5_ping_example_parses()
    {
        var ping = "d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe"u8;
        Assert.True(KrpcMessage.TryParse(ping, out var message, out var error, out _), error);
        Assert.Equal("ping", message.Method);
        Assert.Equal("abcdefghij0123456789", Encoding.ASCII.GetString(message.SenderId!.Bytes.Span));
    }

    [Fact]
    public void Errors_carry_code_and_message()
    {
        var bytes = KrpcMessage.EncodeError("xy"u8, KrpcErrorCode.SequenceTooLow, "sequence number less than current");
        Assert.True(KrpcMessage.TryParse(bytes, out var message, out var error, out _), error);
        Assert.Equal(KrpcMessageKind.Error, message.Kind);
        Assert.Equal(302, message.ErrorCode);
        Assert.Equal("sequence number less than current", message.ErrorMessage);
    }

    [Theory]
    [InlineData("d1:t2:aa1:y1:qe", "method")]
    [InlineData("d1:q4:ping1:t2:aa1:y1:qe", "arguments")]
    [InlineData("d1:ad2:id3:abce1:q4:ping1:t2:aa1:y1:qe", "id")]
    [InlineData("d1:rd2:id3:abce1:t2:aa1:y1:re", "id")]
    [InlineData("d1:eli201ee1:t2:aa1:y1:ee", "error")]
    [InlineData("d1:t2:aa1:y1:ze", "unknown message type")]
    [InlineData("li1ee", "not a dictionary")]
    [InlineData("d1:y1:qe", "transaction id")]
    public void Malformed_messages_are_refused_with_a_reason(string input, string reason)
    {
        Assert.False(KrpcMessage.TryParse(Encoding.Latin1.GetBytes(input), out _, out var error, out _));
        Assert.Contains(reason, error);
    }

    [Fact]
    public void Generated_garbage_is_refused_never_thrown()
    {
        var values = ArbMap.Default.GeneratorFor<int>().Select(seed =>
        {
            var random = new Random(seed);
            // Half the cases are KRPC-shaped dictionaries with random fields, the rest arbitrary bencode or raw bytes.
            var shaped = new BencodeDictionary
            {
                { "t", DhtTestData.RandomValue(random) },
                { "y", random.Next(2) == 0 ? "q" : DhtTestData.RandomValue(random) },
                { "q", DhtTestData.RandomValue(random) },
                { "a", DhtTestData.RandomValue(random) },
                { "r", DhtTestData.RandomValue(random) },
            };
            return random.Next(3) switch
            {
                0 => Bencode.Encode(shaped),
                1 => Bencode.Encode(DhtTestData.RandomValue(random)),
                _ => RandomBytes(random),
            };
        });
        Prop.ForAll(values.ToArbitrary(), datagram =>
            KrpcMessage.TryParse(datagram, out var message, out var error, out _)
                ? message.SenderId is not null || message.Kind == KrpcMessageKind.Error
                : error.Length > 0)
            .Check(Config.QuickThrowOnFailure.WithMaxTest(2000));
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(0, 1600)];
        random.NextBytes(bytes);
        return bytes;
    }
}

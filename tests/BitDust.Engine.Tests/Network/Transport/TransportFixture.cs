using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using BitDust.Engine.Crypto;
using BitDust.Engine.Network.Transport;
using BitDust.TestSupport;
using Microsoft.Extensions.Logging;

namespace BitDust.Engine.Tests.Network.Transport;

internal static class TransportFixture
{
    /// <summary>Every awaited step in these tests gets this long at most.</summary>
    public static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(20);

    public static readonly IPEndPoint AnyLoopbackPort = new(IPAddress.Loopback, 0);

    public static Task<T> WaitForAsync<T>(Func<T?> probe) where T : class =>
        Eventually.ValueAsync(probe, StepTimeout, TimeSpan.FromMilliseconds(10));

    public static Task WaitUntilAsync(Func<bool> condition) =>
        Eventually.UntilAsync(condition, StepTimeout, TimeSpan.FromMilliseconds(10));

    /// <summary>Reads until the peer closes; true when it did within the timeout.</summary>
    public static async Task<bool> ClosedByPeerAsync(Stream stream)
    {
        var buffer = new byte[4096];
        using var deadline = new CancellationTokenSource(StepTimeout);
        try
        {
            while (await stream.ReadAsync(buffer, deadline.Token) > 0)
            {
            }
            return true;
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// A client that speaks the handshake by hand and then does whatever the test wants with the raw TLS stream,
    /// standing in for a misbehaving peer.
    /// </summary>
    public static async Task<SslStream> HandshakeByHandAsync(TestNode client, IPEndPoint server)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server).WaitAsync(StepTimeout);
        var ssl = new SslStream(new NetworkStream(socket, ownsSocket: true));
        await ssl.AuthenticateAsClientAsync(TransportHandshake.ClientOptions(client.Credentials)).WaitAsync(StepTimeout);
        await FrameWriter.WriteAsync(ssl, FrameType.Hello, 0, default, Encoding.UTF8.GetBytes(client.Name), CancellationToken.None)
            .AsTask().WaitAsync(StepTimeout);
        var ack = new byte[FrameHeader.Size];
        await ssl.ReadExactlyAsync(ack).AsTask().WaitAsync(StepTimeout);
        Assert.True(FrameHeader.TryRead(ack, out var header, out var error), error);
        Assert.Equal(FrameType.HelloAck, header.Type);
        await ssl.ReadExactlyAsync(new byte[header.Length]).AsTask().WaitAsync(StepTimeout);
        return ssl;
    }
}

/// <summary>A node of the tests: identity key, credentials, handlers and a log it can be questioned about.</summary>
internal sealed class TestNode : IDisposable
{
    private TestNode(string name, IdentityKey key, TransportOptions options)
    {
        Name = name;
        Key = key;
        Options = options;
        Credentials = TransportCredentials.Create(name, key, options);
    }

    public string Name { get; }
    public IdentityKey Key { get; }
    public TransportOptions Options { get; }
    public TransportCredentials Credentials { get; }
    public TransportHandlers Handlers { get; } = new();
    public ListLogger Log { get; } = new();

    public static TestNode Create(string name, TransportOptions? options = null) =>
        new(name, IdentityKey.Generate(), options ?? TransportOptions.Default);

    /// <summary>Someone else's node claiming <paramref name="name"/>, with a key of its own.</summary>
    public static TestNode Impostor(string name) => Create(name);

    public TransportListener Listen(IIdentityResolver resolver, IPEndPoint? endPoint = null) =>
        TransportListener.Start(endPoint ?? TransportFixture.AnyLoopbackPort, Credentials, resolver, Handlers, Options, Log);

    public PeerContact At(EndPoint endPoint) => new(Name, Key.PublicKey, endPoint);

    public Task<PeerConnection> DialAsync(PeerContact peer) =>
        PeerConnection.ConnectAsync(peer, Credentials, Handlers, Options, Log).WaitAsync(TransportFixture.StepTimeout);

    public void Dispose()
    {
        Credentials.Dispose();
        Key.Dispose();
    }
}

/// <summary>Identity documents the tests know: name → key.</summary>
internal sealed class KnownIdentities(params TestNode[] nodes) : IIdentityResolver
{
    private readonly Dictionary<string, IdentityPublicKey> _keys = nodes.ToDictionary(n => n.Name, n => n.Key.PublicKey);

    public ValueTask<IdentityPublicKey?> ResolveAsync(string identity, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_keys.GetValueOrDefault(identity));
}

internal sealed class ListLogger : ILogger
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public int Count(string fragment) => _lines.Count(l => l.Contains(fragment, StringComparison.Ordinal));

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _lines.Enqueue($"{logLevel}: {formatter(state, exception)}");
}

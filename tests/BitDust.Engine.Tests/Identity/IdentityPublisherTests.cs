using System.Net;
using System.Net.Sockets;
using BitDust.Engine.Crypto;
using BitDust.Engine.Identity;
using Microsoft.Extensions.Logging;
using static BitDust.Engine.Tests.Identity.IdentityFixture;

namespace BitDust.Engine.Tests.Identity;

public sealed class IdentityPublisherTests : IAsyncLifetime
{
    private static readonly PublishRetry FastRetry = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(400), 40);

    private readonly TempFolder _folder = new();
    private readonly IdentityKey _alice = IdentityKey.Generate();
    private readonly HttpClient _http = new() { Timeout = StepTimeout };
    private readonly List<IdentityStore> _stores = [];
    private readonly List<IdentityServer> _servers = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
            await server.DisposeAsync().AsTask().WithTimeout();
        foreach (var store in _stores)
            store.Dispose();
        _http.Dispose();
        _alice.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task A_contact_change_is_signed_as_the_next_revision_and_published_to_every_server()
    {
        var one = await StartServer("one");
        var two = await StartServer("two");
        var first = Document(_alice, servers: [one.Address, two.Address]);
        var client = new IdentityClient(_http);
        Assert.All(await client.PublishAsync(first, first.Servers, CancellationToken.None).WithTimeout(), r => Assert.True(r.IsStored));
        using var publisher = new IdentityPublisher(_alice, first, OwnPath, client, FastRetry);

        var publication = await publisher.UpdateContactsAsync(["tcp://198.51.100.20:7771"], CancellationToken.None).WithTimeout();

        Assert.True(publication.Changed);
        Assert.Equal(2, publication.Document.Revision);
        Assert.All(publication.Results, r => Assert.Equal(PublishOutcome.Accepted, r.Outcome));
        foreach (var server in new[] { one, two })
        {
            var served = await client.FetchAsync(server.Address, "alice", CancellationToken.None).WithTimeout();
            Assert.Equal(2, served.Revision);
            Assert.Equal(["tcp://198.51.100.20:7771"], served.Contacts);
        }
        Assert.Equal(publication.Document.Encoded.ToArray(), await File.ReadAllBytesAsync(OwnPath).WithTimeout());

        var again = await publisher.UpdateContactsAsync(["tcp://198.51.100.20:7771"], CancellationToken.None).WithTimeout();
        Assert.False(again.Changed);
        Assert.Equal(2, again.Document.Revision);
    }

    [Fact]
    public async Task An_unreachable_server_is_retried_until_it_comes_up()
    {
        var up = await StartServer("up");
        int webPort = FreePort(), tcpPort = FreePort();
        var later = new IdentityServerAddress("127.0.0.1", webPort, tcpPort);
        var first = Document(_alice, servers: [up.Address, later]);
        var log = new CountingLogger();
        using var publisher = new IdentityPublisher(_alice, first, OwnPath, new IdentityClient(_http), FastRetry, logger: log);

        var publishing = publisher.UpdateContactsAsync(["tcp://198.51.100.30:7771"], CancellationToken.None);
        await log.FirstFailure.Task.WithTimeout();
        var comesUp = await StartServer("later", webPort, tcpPort);
        var publication = await publishing.WithTimeout();

        Assert.All(publication.Results, r => Assert.Equal(PublishOutcome.Accepted, r.Outcome));
        Assert.True(log.Failures >= 1);
        var served = await new IdentityClient(_http).FetchAsync(comesUp.Address, "alice", CancellationToken.None).WithTimeout();
        Assert.Equal(2, served.Revision);
    }

    [Fact]
    public async Task The_cache_keeps_the_newest_copy_and_the_first_key()
    {
        var server = await StartServer("cache");
        var client = new IdentityClient(_http);
        var cache = new IdentityCache();
        var first = Document(_alice, servers: [server.Address]);
        var second = first.WithContacts(_alice, ["tcp://198.51.100.40:7771"], SignedAt.AddDays(1));
        await client.PublishToAsync(second, server.Address, CancellationToken.None).WithTimeout();

        var fetched = await cache.FetchAsync(client, second.UrlOn(server.Address), CancellationToken.None).WithTimeout();

        Assert.Equal(2, fetched.Revision);
        Assert.Equal(IdentityVerdict.StaleRevision, cache.Offer(first).Verdict);
        using var mallory = IdentityKey.Generate();
        Assert.Equal(IdentityVerdict.ForgedKey, cache.Offer(Document(mallory, "alice", revision: 3)).Verdict);
        Assert.True(cache.TryGet("alice", out var held));
        Assert.Equal(second.Encoded.ToArray(), held.Encoded.ToArray());
    }

    private string OwnPath => Path.Combine(_folder.Path, "my-identity.json");

    private async Task<IdentityServer> StartServer(string folder, int webPort = 0, int tcpPort = 0)
    {
        var store = await IdentityStore.OpenAsync(Path.Combine(_folder.Path, folder), cancellationToken: CancellationToken.None).WithTimeout();
        _stores.Add(store);
        var server = await IdentityServer.StartAsync(new IdentityServerOptions { Host = "127.0.0.1", WebPort = webPort, TcpPort = tcpPort }, store)
            .WithTimeout();
        _servers.Add(server);
        return server;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Counts the publisher's failure warnings, so a test can wait for the first one.</summary>
    private sealed class CountingLogger : ILogger<IdentityPublisher>
    {
        private int _failures;

        public TaskCompletionSource FirstFailure { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Failures => Volatile.Read(ref _failures);

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel != LogLevel.Warning)
                return;
            Interlocked.Increment(ref _failures);
            FirstFailure.TrySetResult();
        }
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using BitDust.Engine.Crypto;
using BitDust.Engine.Identity;
using BitDust.Engine.Network.Relay;
using BitDust.Engine.Network.Transport;
using BitDust.Engine.Storage.Customer;
using BitDust.Engine.Storage.Customer.Families;
using BitDust.Engine.Storage.Customer.Records;
using BitDust.Engine.Tests.Network.Transport;
using BitDust.Engine.Tests.Storage.Customer;

namespace BitDust.Engine.Tests.Network.Relay;

public sealed class RelayCustomerTests
{
    [Fact]
    public async Task A_customer_whose_supplier_went_behind_a_router_and_switched_router_fetches_its_document_again_and_reaches_it_there()
    {
        await using var harness = await CustomerHarness.StartAsync(suppliers: 2, familySize: 2);
        await harness.HireAsync();
        var moving = harness.Suppliers[0];
        // The supplier goes behind NAT: its old address is gone, a listener nobody can dial serves its routers' tunnels.
        await moving.StopAsync();
        await using var tunnels = moving.Node.Listen(harness.Resolver);
        await using var first = RouterNode.Start(TestNode.Create("router-1"), harness.Resolver);
        await using var second = RouterNode.Start(TestNode.Create("router-2"), harness.Resolver);
        await using var connector = new PeerConnector(moving.Node.Credentials, moving.Node.Handlers, moving.Node.Options, moving.Node.Log);
        var published = new ConcurrentQueue<IReadOnlyList<string>>();
        IReadOnlyList<EndPoint> routers = [first.EndPoint, second.EndPoint];
        await using var receiver = new RelayReceiver(connector, tunnels, moving.Node.Handlers, _ => Task.FromResult(routers),
            directContact: null, RelayFlags.Supplier, (contacts, _) =>
            {
                published.Enqueue(contacts);
                return Task.CompletedTask;
            }, RelayFixture.FastReceiver);
        receiver.Start();
        // What the identity servers serve for each supplier now: the moving one's latest contacts; an impostor's key for the other.
        using var impostor = IdentityKey.Generate();
        var fetched = new ConcurrentBag<string>();
        Task<IdentityDocument?> Refresh(string name, CancellationToken cancellationToken)
        {
            fetched.Add(name);
            var document = name == moving.Node.Name
                ? Document(moving.Node.Key, name, published.LastOrDefault() ?? [])
                : Document(impostor, name, [$"tcp://127.0.0.1:{RelayFixture.ClosedPort()}"]);
            return Task.FromResult<IdentityDocument?>(document);
        }
        var options = new EmployerOptions { RequestTimeout = TimeSpan.FromSeconds(10) };
        var employer = new Employer(harness.Storage, harness.Hiring(), options, () => { }, refreshIdentity: Refresh);
        await harness.Suppliers[1].StopAsync();
        var stayed = harness.Family.MemberAt(1)!.Contact;

        await TransportFixture.WaitUntilAsync(() => published.Count == 1);
        var viaFirst = await employer.PingAllAsync(CancellationToken.None).WaitAsync(CustomerHarness.StepTimeout);
        Assert.Null(viaFirst[0].Problem);
        Assert.Equal("router-1", harness.Family.MemberAt(0)!.Contact!.Router);

        await first.StopAsync();
        await TransportFixture.WaitUntilAsync(() => published.Count == 2);
        var viaSecond = await employer.PingAllAsync(CancellationToken.None).WaitAsync(CustomerHarness.StepTimeout);

        Assert.Null(viaSecond[0].Problem);
        var member = harness.Family.MemberAt(0)!;
        Assert.Equal(new PeerContact(moving.Node.Name, moving.Node.Key.PublicKey, second.EndPoint, "router-2"), member.Contact);
        Assert.Equal(SupplierState.Connected, member.State);
        Assert.Equal(member.Contact, harness.Catalog.LoadFamily()[0].Contact);
        // A document under another key moves nobody: the supplier that stopped stays where it was, unreachable.
        Assert.NotNull(viaSecond[1].Problem);
        Assert.Equal(stayed, harness.Family.MemberAt(1)!.Contact);
        Assert.Contains(harness.Suppliers[1].Node.Name, fetched);
    }

    private static IdentityDocument Document(IdentityKey key, string name, IReadOnlyList<string> contacts) =>
        IdentityDocument.Create(key, name, RandomNumberGenerator.GetBytes(IdentityDocument.DhtPublicKeySize), contacts, [],
            DateTimeOffset.UtcNow);
}

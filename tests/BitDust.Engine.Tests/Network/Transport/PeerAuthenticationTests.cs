using BitDust.Engine.Network.Transport;
using static BitDust.Engine.Tests.Network.Transport.TransportFixture;

namespace BitDust.Engine.Tests.Network.Transport;

public sealed class PeerAuthenticationTests
{
    [Fact]
    public async Task A_dialer_refuses_a_listener_whose_key_is_not_the_one_in_its_identity_document()
    {
        using var alice = TestNode.Create("alice");
        using var bob = TestNode.Create("bob");
        using var mallory = TestNode.Impostor("bob");
        await using var listener = mallory.Listen(new KnownIdentities(alice));

        var refused = await Assert.ThrowsAsync<PeerAuthenticationException>(() => alice.DialAsync(bob.At(listener.LocalEndPoint)));

        var line = Assert.Single(alice.Log.Lines, l => l.Contains("Refused", StringComparison.Ordinal));
        Assert.Contains("bob", line, StringComparison.Ordinal);
        Assert.Contains(mallory.Key.PublicKey.Fingerprint, line, StringComparison.Ordinal);
        Assert.Contains(bob.Key.PublicKey.Fingerprint, line, StringComparison.Ordinal);
        Assert.Contains(mallory.Key.PublicKey.Fingerprint, refused.Message, StringComparison.Ordinal);
        Assert.Empty(listener.Connections);
    }

    [Fact]
    public async Task A_listener_refuses_a_dialer_whose_key_is_not_the_one_in_its_identity_document_and_keeps_serving()
    {
        using var alice = TestNode.Create("alice");
        using var bob = TestNode.Create("bob");
        using var mallory = TestNode.Impostor("alice");
        bob.Handlers.MapRequest("ping", (_, _) => ValueTask.FromResult(new byte[] { 1 }));
        await using var listener = bob.Listen(new KnownIdentities(alice, bob));

        var refused = await Assert.ThrowsAsync<PeerAuthenticationException>(() => mallory.DialAsync(bob.At(listener.LocalEndPoint)));

        Assert.Contains("does not accept alice", refused.Message, StringComparison.Ordinal);
        var line = Assert.Single(bob.Log.Lines, l => l.Contains("Refused", StringComparison.Ordinal));
        Assert.Contains("alice", line, StringComparison.Ordinal);
        Assert.Contains(mallory.Key.PublicKey.Fingerprint, line, StringComparison.Ordinal);
        Assert.Contains(alice.Key.PublicKey.Fingerprint, line, StringComparison.Ordinal);
        Assert.Empty(listener.Connections);

        await using var genuine = await alice.DialAsync(bob.At(listener.LocalEndPoint));
        Assert.Equal([1], await genuine.SendRequestAsync("ping", default).WaitAsync(StepTimeout));
    }

    [Fact]
    public async Task A_listener_refuses_an_identity_it_has_no_document_for()
    {
        using var bob = TestNode.Create("bob");
        using var stranger = TestNode.Create("stranger");
        await using var listener = bob.Listen(new KnownIdentities(bob));

        await Assert.ThrowsAsync<PeerAuthenticationException>(() => stranger.DialAsync(bob.At(listener.LocalEndPoint)));

        var line = Assert.Single(bob.Log.Lines, l => l.Contains("Refused", StringComparison.Ordinal));
        Assert.Contains("stranger", line, StringComparison.Ordinal);
        Assert.Contains(stranger.Key.PublicKey.Fingerprint, line, StringComparison.Ordinal);
    }
}

using BitDust.Engine.Crypto;
using BitDust.Engine.Identity;
using static BitDust.Engine.Tests.Identity.IdentityFixture;

namespace BitDust.Engine.Tests.Identity;

public sealed class IdentityStoreTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly IdentityKey _alice = IdentityKey.Generate();
    private readonly IdentityKey _mallory = IdentityKey.Generate();
    private readonly ManualClock _clock = new(SignedAt);

    public void Dispose()
    {
        _alice.Dispose();
        _mallory.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task A_new_name_is_accepted_and_stored_as_its_exact_bytes()
    {
        using var store = await Open();
        var document = Document(_alice);

        var acceptance = await store.AcceptAsync(document.Encoded, CancellationToken.None).WithTimeout();

        Assert.Equal(IdentityVerdict.Accepted, acceptance.Verdict);
        Assert.True(store.TryGet("alice", out var held));
        Assert.Equal(document.Encoded.ToArray(), held.Encoded.ToArray());
        Assert.Equal(document.Encoded.ToArray(), await File.ReadAllBytesAsync(Path.Combine(_folder.Path, "alice.json")).WithTimeout());
        Assert.Empty(Directory.GetFiles(_folder.Path, "*.tmp"));
    }

    [Fact]
    public async Task The_same_key_with_a_higher_revision_replaces_the_document()
    {
        using var store = await Open();
        var first = Document(_alice);
        var second = first.WithContacts(_alice, ["tcp://198.51.100.9:7771"], SignedAt.AddHours(1));
        await store.AcceptAsync(first.Encoded, CancellationToken.None).WithTimeout();

        var acceptance = await store.AcceptAsync(second.Encoded, CancellationToken.None).WithTimeout();

        Assert.Equal(IdentityVerdict.Accepted, acceptance.Verdict);
        Assert.True(store.TryGet("alice", out var held));
        Assert.Equal(2, held.Revision);
    }

    [Fact]
    public async Task The_same_or_a_lower_revision_is_refused_as_stale()
    {
        using var store = await Open();
        await store.AcceptAsync(Document(_alice, revision: 5).Encoded, CancellationToken.None).WithTimeout();
        var sameRevisionOtherContacts = Document(_alice, revision: 5, contacts: ["tcp://203.0.113.1:1"]);

        var same = await store.AcceptAsync(sameRevisionOtherContacts.Encoded, CancellationToken.None).WithTimeout();
        var lower = await store.AcceptAsync(Document(_alice, revision: 4).Encoded, CancellationToken.None).WithTimeout();

        Assert.Equal(IdentityVerdict.StaleRevision, same.Verdict);
        Assert.Equal(IdentityVerdict.StaleRevision, lower.Verdict);
        Assert.Contains("not newer than the revision 5", lower.Reason, StringComparison.Ordinal);
        Assert.True(store.TryGet("alice", out var held));
        Assert.Equal(5, held.Revision);
        Assert.NotEqual(["tcp://203.0.113.1:1"], held.Contacts);
    }

    [Fact]
    public async Task Publishing_the_identical_document_again_is_harmless()
    {
        using var store = await Open();
        var document = Document(_alice);
        await store.AcceptAsync(document.Encoded, CancellationToken.None).WithTimeout();

        var again = await store.AcceptAsync(document.Encoded, CancellationToken.None).WithTimeout();

        Assert.Equal(IdentityVerdict.Unchanged, again.Verdict);
    }

    [Fact]
    public async Task A_forged_identity_with_another_key_is_refused_even_with_a_higher_revision()
    {
        using var store = await Open();
        await store.AcceptAsync(Document(_alice).Encoded, CancellationToken.None).WithTimeout();
        var forged = Document(_mallory, "alice", revision: 99, contacts: ["tcp://203.0.113.66:7771"]);

        var acceptance = await store.AcceptAsync(forged.Encoded, CancellationToken.None).WithTimeout();

        Assert.Equal(IdentityVerdict.ForgedKey, acceptance.Verdict);
        Assert.Contains("signed by another key", acceptance.Reason, StringComparison.Ordinal);
        Assert.True(store.TryGet("alice", out var held));
        Assert.Equal(_alice.PublicKey, held.PublicKey);
    }

    [Fact]
    public async Task Malformed_input_is_refused_with_the_parsers_reason()
    {
        using var store = await Open();

        var acceptance = await store.AcceptAsync("{\"format\":1}"u8.ToArray(), CancellationToken.None).WithTimeout();

        Assert.Equal(IdentityVerdict.Malformed, acceptance.Verdict);
        Assert.StartsWith("identity document", acceptance.Reason, StringComparison.Ordinal);
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public async Task A_new_store_on_the_same_folder_holds_everything_and_keeps_enforcing_keys()
    {
        using (var store = await Open())
        {
            await store.AcceptAsync(Document(_alice, revision: 3).Encoded, CancellationToken.None).WithTimeout();
            await store.AcceptAsync(Document(_mallory, "mallory").Encoded, CancellationToken.None).WithTimeout();
        }
        // A crash between write and rename leaves a temporary file behind; it must not count.
        await File.WriteAllTextAsync(Path.Combine(_folder.Path, "bob.json.tmp"), "{half").WithTimeout();
        await File.WriteAllTextAsync(Path.Combine(_folder.Path, "eve.json"), "not a document").WithTimeout();

        using var reopened = await Open();

        Assert.Equal(["alice", "mallory"], reopened.Names());
        Assert.True(reopened.TryGet("alice", out var alice));
        Assert.Equal(3, alice.Revision);
        var forged = await reopened.AcceptAsync(Document(_mallory, "alice", revision: 4).Encoded, CancellationToken.None).WithTimeout();
        Assert.Equal(IdentityVerdict.ForgedKey, forged.Verdict);
        Assert.False(File.Exists(Path.Combine(_folder.Path, "bob.json.tmp")));
    }

    [Fact]
    public async Task Identities_not_published_again_within_the_max_age_are_forgotten()
    {
        using var store = await Open();
        var alice = Document(_alice);
        await store.AcceptAsync(alice.Encoded, CancellationToken.None).WithTimeout();
        await store.AcceptAsync(Document(_mallory, "mallory").Encoded, CancellationToken.None).WithTimeout();
        _clock.Advance(TimeSpan.FromDays(20));
        Assert.Equal(IdentityVerdict.Unchanged, (await store.AcceptAsync(alice.Encoded, CancellationToken.None).WithTimeout()).Verdict);
        _clock.Advance(TimeSpan.FromDays(15));

        var forgotten = await store.SweepExpiredAsync(CancellationToken.None).WithTimeout();

        Assert.Equal(["mallory"], forgotten);
        Assert.Equal(["alice"], store.Names());
        Assert.False(File.Exists(Path.Combine(_folder.Path, "mallory.json")));
        using var reopened = await Open();
        Assert.Equal(["alice"], reopened.Names());
        _clock.Advance(TimeSpan.FromDays(20));
        Assert.Equal(["alice"], await reopened.SweepExpiredAsync(CancellationToken.None).WithTimeout());
    }

    private Task<IdentityStore> Open() =>
        IdentityStore.OpenAsync(_folder.Path, TimeSpan.FromDays(30), _clock, cancellationToken: CancellationToken.None).WithTimeout();
}

using System.Net;
using System.Security.Cryptography;
using BitDust.Engine.Crypto;
using BitDust.Engine.Network.Transport;
using BitDust.Engine.Pipeline;
using BitDust.Engine.Storage.Customer;
using BitDust.Engine.Storage.Customer.Families;
using BitDust.Engine.Storage.Customer.Records;
using BitDust.Engine.Storage.Customer.Transfers;
using BitDust.Engine.Storage.Protocol;
using FsCheck;
using FsCheck.Fluent;

namespace BitDust.Engine.Tests.Storage.Customer.Records;

public sealed class CatalogTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bitdust-catalog-").FullName;

    private string DatabasePath => Path.Combine(_folder, "customer", "catalog.db");

    [Fact]
    public void Versions_fragments_and_states_survive_reopening_and_list_as_the_contract_says()
    {
        var created = new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
        FileVersion first, second;
        using (var catalog = Catalog.Open(DatabasePath))
        {
            Assert.True(catalog.IsEmpty);
            first = catalog.BeginVersion("docs/a.txt", 100, created);
            second = catalog.BeginVersion("docs/a.txt", 120, created.AddMinutes(1));
            Assert.Equal(first.FileId, second.FileId);
            Assert.Equal(first.Version + 1, second.Version);
            catalog.SetManifest(first, [1, 2, 3], VersionState.Complete);
            catalog.RecordFragment(new FragmentKey(second, 0, 0), "bob", SHA256.HashData([1]), FragmentState.Stored);
            catalog.RecordFragment(new FragmentKey(second, 0, 1), "carol", null, FragmentState.Missing);
            catalog.SetManifest(second, [4, 5, 6], VersionState.Durable);
            catalog.BeginVersion("docs/b.txt", 5, created);
        }

        using var reopened = Catalog.Open(DatabasePath);
        Assert.False(reopened.IsEmpty);
        Assert.Equal(
            [new FileSummary("docs/a.txt", 120, 2, created.AddMinutes(1), "degraded"),
                new FileSummary("docs/b.txt", 5, 1, created, "uploading")],
            reopened.ListFiles());
        Assert.Equal(["docs/a.txt", "docs/b.txt"], reopened.FilesUnder("docs").Select(f => f.RemotePath));
        Assert.Empty(reopened.FilesUnder("doc"));
        Assert.Equal(second, reopened.LatestReadable(first.FileId)!.File);
        Assert.Empty(reopened.VersionsToPrune(first.FileId, keep: 1));
        Assert.Equal([FragmentState.Stored, FragmentState.Missing], reopened.Fragments(second).Select(f => f.State));
        Assert.Equal(1, reopened.MarkPosition(0, FragmentState.Missing));
        Assert.Equal(2, reopened.FragmentsAt(0).Count + reopened.FragmentsAt(1, FragmentState.Missing).Count);

        reopened.DeleteVersion(first);
        reopened.DeleteVersion(second);
        Assert.Null(reopened.FindFile("docs/a.txt"));
        Assert.Empty(reopened.Fragments(second));
    }

    [Fact]
    public void An_old_version_goes_only_once_max_copies_newer_versions_are_complete_and_never_while_a_stub_pins_it()
    {
        using var catalog = Catalog.Open(DatabasePath);
        var created = DateTimeOffset.UtcNow;
        var versions = Enumerable.Range(0, 4).Select(i => catalog.BeginVersion("docs/a", 10 + i, created.AddMinutes(i))).ToList();
        catalog.SetManifest(versions[0], [1], VersionState.Complete);
        catalog.SetManifest(versions[1], [2], VersionState.Complete);
        catalog.SetManifest(versions[2], [3], VersionState.Durable);
        catalog.SetManifest(versions[3], [4], VersionState.Readable);
        var fileId = versions[0].FileId;

        // Two kept: the newest two are not complete, so nothing older goes yet.
        Assert.Equal([versions[0]], catalog.VersionsToPrune(fileId, keep: 1));
        Assert.Empty(catalog.VersionsToPrune(fileId, keep: 2));
        catalog.SetVersionState(versions[3], VersionState.Complete);
        Assert.Equal([versions[2], versions[1], versions[0]], catalog.VersionsToPrune(fileId, keep: 1));
        Assert.Equal([versions[0]], catalog.VersionsToPrune(fileId, keep: 2));

        catalog.Pin(versions[0], "/home/ann/a.f");
        catalog.ReplacePins(Catalog.MirrorHolder, [versions[1]]);
        Assert.Equal([versions[2]], catalog.VersionsToPrune(fileId, keep: 1));
        catalog.ReplacePins(Catalog.MirrorHolder, [versions[3]]);
        Assert.Equal([versions[2], versions[1]], catalog.VersionsToPrune(fileId, keep: 1));
        Assert.Equal(2, catalog.Pins().Count);
        catalog.DeleteVersion(versions[0]);
        Assert.Equal([versions[3]], catalog.Pins().Select(p => p.File));
    }

    [Fact]
    public void Upload_jobs_keep_their_files_versions_keys_and_block_entries_until_pruned()
    {
        using var catalog = Catalog.Open(DatabasePath);
        var job = new UploadJobRecord("job1", "/tmp/docs", "docs", TransferState.Queued, DateTimeOffset.UtcNow, null, null);
        catalog.AddUploadJob(job, [("/tmp/docs/a", "docs/a", 10), ("/tmp/docs/b", "docs/b", 20)]);
        var version = catalog.BeginVersion("docs/a", 10, DateTimeOffset.UtcNow);
        var started = catalog.UploadJobFiles("job1")[0] with { File = version, WrappedKey = [9, 9], LocalModified = 42, BlockSize = 4096 };
        catalog.StartUploadJobFile(started);
        var entry = new BlockEntry(BlockCodec.None, 10, RandomNumberGenerator.GetBytes(16), RandomNumberGenerator.GetBytes(16 * 7));
        var hash = RandomNumberGenerator.GetBytes(32);
        catalog.SaveBlockEntry(version, 0, entry, hash);

        var files = catalog.UploadJobFiles("job1");
        Assert.Equal(started with { WrappedKey = null }, files[0] with { WrappedKey = null });
        Assert.Equal(started.WrappedKey, files[0].WrappedKey);
        Assert.Equal(("docs/b", 20L, (FileVersion?)null), (files[1].RemotePath, files[1].Size, files[1].File));
        Assert.Equal(entry.FragmentTags, catalog.BlockEntries(version)[0].FragmentTags);
        Assert.Equal(hash, catalog.SavedBlocks(version)[0].ContentHash);
        catalog.SetManifest(version, [1], VersionState.Durable);
        Assert.Empty(catalog.BlockEntries(version));

        catalog.SetUploadJobState("job1", TransferState.Complete, DateTimeOffset.UtcNow);
        Assert.Equal(TransferState.Complete, Assert.Single(catalog.UploadJobs()).State);
        catalog.PruneUploadJobs(keep: 0);
        Assert.Empty(catalog.UploadJobs());
        Assert.Empty(catalog.UploadJobFiles("job1"));
    }

    [Fact]
    public void Family_members_keep_their_contact_state_and_audit()
    {
        using var key = IdentityKey.Generate();
        var hired = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000);
        var member = new FamilyMember(3, "http://id.example.org:8084/bob.xml",
            new PeerContact("http://id.example.org:8084/bob.xml", key.PublicKey,
            new IPEndPoint(IPAddress.Loopback, 7771)), SupplierState.Connected, 1000, hired, hired, hired, AuditPassed: true);
        var named = new FamilyMember(0, "carol", new PeerContact("carol", key.PublicKey, new DnsEndPoint("carol.example.org", 7000)),
            SupplierState.Hired, 1000, hired);
        using (var catalog = Catalog.Open(DatabasePath))
        {
            catalog.SaveFamilyMember(member);
            catalog.SaveFamilyMember(named);
        }

        using var reopened = Catalog.Open(DatabasePath);
        Assert.Equal([named, member], reopened.LoadFamily());
        reopened.RemoveFamilyMember(0);
        Assert.Equal([member], reopened.LoadFamily());
    }

    [Fact]
    public void A_snapshot_restores_into_an_empty_catalog_and_garbage_snapshots_are_refused()
    {
        byte[] written;
        IReadOnlyList<FileSummary> listed;
        using (var catalog = Catalog.Open(DatabasePath))
        {
            foreach (var path in new[] { "a", "docs/é.txt", "docs/deep/z" })
            {
                var version = catalog.BeginVersion(path, path.Length, DateTimeOffset.UtcNow);
                catalog.RecordFragment(new FragmentKey(version, 0, 2), "bob", SHA256.HashData([7]), FragmentState.Stored);
                catalog.RecordFragment(new FragmentKey(version, 1, 2), "carol", null, FragmentState.Bad);
                catalog.SetManifest(version, RandomNumberGenerator.GetBytes(50), VersionState.Durable);
            }
            catalog.BeginVersion("still/uploading", 1, DateTimeOffset.UtcNow);
            written = catalog.Snapshot().Write();
            listed = catalog.ListFiles().Where(f => f.State != "uploading").ToList();
        }
        Assert.True(CatalogSnapshot.TryRead(written, out var snapshot, out var error), error);

        using var empty = Catalog.Open(Path.Combine(_folder, "other.db"));
        empty.Restore(snapshot);
        Assert.Equal(listed, empty.ListFiles());
        Assert.Equal(written, empty.Snapshot().Write());
        Assert.Throws<InvalidOperationException>(() => empty.Restore(snapshot));

        var garbage = Gen.OneOf(
            ArbMap.Default.GeneratorFor<byte[]>(),
            Gen.Choose(0, written.Length - 1).Select(n => written[..n]),
            Gen.Choose(8, written.Length - 1).Select(i => Flip(written, i)));
        Prop.ForAll(garbage.ToArbitrary(), bytes =>
            CatalogSnapshot.TryRead(bytes, out _, out var reason) || !string.IsNullOrWhiteSpace(reason))
            .Check(Config.QuickThrowOnFailure.WithMaxTest(1000));
        Prop.ForAll(Gen.Choose(0, written.Length - 1).ToArbitrary(), n => !CatalogSnapshot.TryRead(written.AsSpan(0, n), out _, out _))
            .Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    [Fact]
    public void The_family_record_round_trips_and_refuses_what_it_did_not_write()
    {
        string?[] family = ["http://id.example.org:8084/bob.xml", null, "carol", "dave", null, "erin", "frank"];
        var encoded = FamilyRecord.Encode(family);

        Assert.True(FamilyRecord.TryDecode(encoded, out var decoded, out var error), error);
        Assert.Equal(family, decoded);
        foreach (var bad in new[] { "", "bitdust-family 1 7\na", "bitdust-family 1 5\na\nb\nc\nd\ne", "bitdust-family 2 2\na\nb",
            "bitdust-family 1 2\na b\nc" })
            Assert.False(FamilyRecord.TryDecode(System.Text.Encoding.UTF8.GetBytes(bad), out _, out _), bad);
        Assert.Throws<ArgumentException>(() => FamilyRecord.Encode(["a", "b", "c"]));
    }

    private static byte[] Flip(byte[] bytes, int index)
    {
        var copy = (byte[])bytes.Clone();
        copy[index] ^= 0x5a;
        return copy;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

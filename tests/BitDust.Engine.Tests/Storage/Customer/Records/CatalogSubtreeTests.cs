using System.Text;
using BitDust.Engine.Storage.Customer;
using BitDust.Engine.Storage.Customer.Records;
using BitDust.Engine.Storage.Customer.Transfers;
using FsCheck;
using FsCheck.Fluent;

namespace BitDust.Engine.Tests.Storage.Customer.Records;

/// <summary>
/// "Everything under folder F" in the catalog, on trees of Unicode names (<see cref="UnicodeTrees"/>): a rename moves exactly
/// F's subtree, FilesUnder lists exactly it, ForgetQueuedUploads forgets exactly it, and every name reads back byte for byte.
/// </summary>
public sealed class CatalogSubtreeTests : IDisposable
{
    private const int Cases = 200;

    private readonly string _folder = Directory.CreateTempSubdirectory("bitdust-catalog-subtree-").FullName;
    private int _catalogs;

    /// <summary>A tree of files, and three picks (which path, where to, which name) for the operation tried on it.</summary>
    private static readonly Arbitrary<(string[] Files, int First, int Second, int Third)> Trees = (
        from files in UnicodeTrees.Files
        from first in Gen.Choose(0, int.MaxValue)
        from second in Gen.Choose(0, int.MaxValue)
        from third in Gen.Choose(0, int.MaxValue)
        select (files, first, second, third)).ToArbitrary();

    [Fact]
    public void Renaming_a_folder_or_file_moves_exactly_its_subtree_and_no_sibling_sharing_its_prefix()
    {
        Prop.ForAll(Trees, tree =>
        {
            var folders = UnicodeTrees.FoldersOf(tree.Files);
            string[] sources = [.. folders, .. tree.Files];
            var from = sources[tree.First % sources.Length];
            string[] parents = ["", .. folders.Where(f => !UnicodeTrees.IsUnder(f, from))];
            var parent = parents[tree.Second % parents.Length];
            var name = UnicodeTrees.Names[tree.Third % UnicodeTrees.Names.Length];
            var to = parent.Length == 0 ? name : $"{parent}/{name}";
            if (sources.Any(p => UnicodeTrees.IsUnder(p, to)))
                return;
            string Moved(string path) => UnicodeTrees.IsUnder(path, from) ? to + path[from.Length..] : path;

            using var catalog = Fill(tree.Files);
            catalog.Rename(from, to);

            Assert.Equal(tree.Files.Select(Moved).Order(StringComparer.Ordinal), catalog.Files().Select(f => f.RemotePath)
                .Order(StringComparer.Ordinal));
            Assert.Equal(sources.Select(Moved).Order(StringComparer.Ordinal), catalog.TreeEntries().Select(e => e.Path)
                .Order(StringComparer.Ordinal));
            Assert.Equal(tree.Files.Select(Moved).Order(StringComparer.Ordinal), catalog.UploadJobFiles("job").Select(f => f.RemotePath)
                .Order(StringComparer.Ordinal));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(Cases));
    }

    [Fact]
    public void FilesUnder_a_folder_lists_exactly_the_files_of_its_subtree()
    {
        Prop.ForAll(Trees, tree =>
        {
            // Names that are no folder of this tree count too: "a" when only "a😀" and "a0" are folders lists nothing.
            string[] candidates = [.. UnicodeTrees.FoldersOf(tree.Files), .. tree.Files, .. UnicodeTrees.Names];
            var folder = candidates[tree.First % candidates.Length];
            using var catalog = Fill(tree.Files);

            Assert.Equal(tree.Files.Where(f => f.StartsWith(folder + "/", StringComparison.Ordinal)).Order(StringComparer.Ordinal),
                catalog.FilesUnder(folder).Select(f => f.RemotePath).Order(StringComparer.Ordinal));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(Cases));
    }

    [Fact]
    public void Forgetting_the_queued_uploads_of_a_folder_or_file_forgets_exactly_its_subtree()
    {
        Prop.ForAll(Trees, tree =>
        {
            string[] candidates = [.. UnicodeTrees.FoldersOf(tree.Files), .. tree.Files, .. UnicodeTrees.Names];
            var forgotten = candidates[tree.First % candidates.Length];
            using var catalog = Fill(tree.Files);

            var count = catalog.ForgetQueuedUploads(forgotten);

            var kept = tree.Files.Where(f => !UnicodeTrees.IsUnder(f, forgotten)).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(kept, catalog.UploadJobFiles("job").Select(f => f.RemotePath).Order(StringComparer.Ordinal));
            Assert.Equal(tree.Files.Length - kept.Count, count);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(Cases));
    }

    [Fact]
    public void Every_name_reads_back_byte_exact_after_reopening_and_NFC_and_NFD_forms_are_different_names()
    {
        Prop.ForAll(Trees, tree =>
        {
            string path;
            using (var written = Fill(tree.Files))
                path = written.Path;
            using var catalog = Catalog.Open(path);

            var expected = tree.Files.Select(Encoding.UTF8.GetBytes).Order(ByteOrder.Instance).ToList();
            Assert.Equal(expected, catalog.Files().Select(f => Encoding.UTF8.GetBytes(f.RemotePath)).Order(ByteOrder.Instance));
            Assert.Equal(expected, catalog.ListFiles().Select(f => Encoding.UTF8.GetBytes(f.RemotePath)).Order(ByteOrder.Instance));
            Assert.Equal(tree.Files.Length, tree.Files.Select(f => catalog.FindFile(f)!.FileId).Distinct().Count());
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(Cases / 3));
    }

    /// <summary>
    /// A fresh catalog holding <paramref name="files"/>: each a file with a version, a tree entry, and a queued upload not
    /// begun yet; each of their folders a tree entry.
    /// </summary>
    private Catalog Fill(string[] files)
    {
        var catalog = Catalog.Open(Path.Combine(_folder, $"catalog-{Interlocked.Increment(ref _catalogs)}.db"));
        var now = DateTimeOffset.UtcNow;
        foreach (var file in files)
        {
            catalog.BeginVersion(file, 1, now);
            catalog.SetTreeEntry(new TreeEntry(file, TreeEntryKind.File, 0x1A4, now, 0, 0, null));
        }
        foreach (var folder in UnicodeTrees.FoldersOf(files))
            catalog.SetTreeEntry(new TreeEntry(folder, TreeEntryKind.Folder, 0x1ED, now, 0, 0, null));
        catalog.AddUploadJob(new UploadJobRecord("job", "/tmp/tree", "tree", TransferState.Queued, now, null, null),
            [.. files.Select((f, i) => ($"/tmp/tree/{i}", f, 1L))]);
        return catalog;
    }

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

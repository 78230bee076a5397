using BitDust.Engine.Storage.Customer;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace BitDust.Engine.Tests.Storage.Customer;

public sealed class RemotePathTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("docs/a/b.txt")]
    [InlineData("photos/2026/été.jpg")]
    [InlineData(".hidden/..dots.../file.")]
    [InlineData("with space/and\\backslash")]
    public void Ordinary_relative_paths_are_accepted(string path) => Assert.Null(RemotePath.Validate(path));

    [Theory]
    [InlineData("", "empty")]
    [InlineData("/etc/passwd", "relative")]
    [InlineData("a//b", "empty part")]
    [InlineData("a/", "empty part")]
    [InlineData("a/./b", "\".\" part")]
    [InlineData("../outside", "\"..\" part")]
    [InlineData("a/..", "\"..\" part")]
    [InlineData("new\nline", "control characters")]
    [InlineData("nul\0byte", "control characters")]
    public void Garbage_is_refused_with_a_reason(string path, string reason) =>
        Assert.Contains(reason, RemotePath.Validate(path), StringComparison.Ordinal);

    [Fact]
    public void A_path_is_at_most_1024_bytes_of_valid_utf8()
    {
        Assert.Contains("valid Unicode", RemotePath.Validate("lone\ud800surrogate"), StringComparison.Ordinal);
        var names = Enumerable.Repeat(new string('a', 204), 5).ToList();
        Assert.Null(RemotePath.Validate(string.Join('/', names)));
        Assert.Contains("at most 1024 bytes", RemotePath.Validate(string.Join('/', names.Append("b"))), StringComparison.Ordinal);
        Assert.Contains("at most 1024 bytes", RemotePath.Validate(new string('é', 513)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_name_is_at_most_255_bytes_of_utf8_as_on_linux_and_the_refusal_splits_no_character()
    {
        foreach (var name in UnicodeTrees.Names)
            Assert.Null(RemotePath.Validate($"folder/{name}/{name}"));
        foreach (var name in UnicodeTrees.Names.Where(n => System.Text.Encoding.UTF8.GetByteCount(n) == RemotePath.MaxNameBytes))
        {
            var error = RemotePath.Validate($"folder/{name}!");
            Assert.NotNull(error);
            Assert.True(IsWellFormed(error), error);
        }
    }

    [Property(MaxTest = 2000)]
    public bool Any_accepted_path_stays_inside_the_folder_it_is_downloaded_to(string text)
    {
        var folder = Path.Combine(Path.GetTempPath(), "bitdust-download-root");
        if (RemotePath.Validate(text) is not null)
            return true;
        var local = Path.GetFullPath(RemotePath.LocalPathUnder(folder, "p", "p/" + text));
        return local.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    [Fact]
    public void Generated_garbage_is_refused_with_a_reason_and_never_throws()
    {
        var parts = Gen.Elements("", ".", "..", "a", "b c", "\0", "\n", "é", "\ud800", new string('x', 300));
        var garbage = Gen.OneOf(
            Gen.ListOf(parts).Select(list => string.Join('/', list)),
            Gen.ListOf(parts).Select(list => "/" + string.Join('/', list)),
            ArbMap.Default.GeneratorFor<string>());
        Prop.ForAll(garbage.ToArbitrary(), path =>
        {
            var error = RemotePath.Validate(path);
            var segments = (path ?? "").Split('/');
            var bad = string.IsNullOrEmpty(path) || path[0] == '/' || segments.Any(p => p is "" or "." or "..") ||
                path.Any(char.IsControl) ||
                !IsWellFormed(path) || System.Text.Encoding.UTF8.GetByteCount(path) > RemotePath.MaxBytes ||
                segments.Any(p => System.Text.Encoding.UTF8.GetByteCount(p) > RemotePath.MaxNameBytes);
            return bad ? !string.IsNullOrWhiteSpace(error) : error is null;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(2000));
    }

    private static bool IsWellFormed(string text)
    {
        try
        {
            new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetByteCount(text);
            return true;
        }
        catch (System.Text.EncoderFallbackException)
        {
            return false;
        }
    }
}

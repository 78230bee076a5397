using System.Diagnostics.CodeAnalysis;
using System.Text;
using BitDust.Engine.Common;

namespace BitDust.Engine.Storage.Customer;

/// <summary>
/// The name a file has in the owner's catalog: '/'-separated, relative, no empty, "." or ".." parts, at most
/// <see cref="MaxBytes"/> bytes of UTF-8 and each part at most <see cref="MaxNameBytes"/>, no control characters. A download
/// joins it under a local folder, so these rules are also what keeps a restored file inside that folder. Names are taken as
/// they come, never normalized: "é" in NFC and in NFD are two names, as on ext4.
/// </summary>
public static class RemotePath
{
    public const int MaxBytes = 1024;

    /// <summary>What one name can be on Linux (NAME_MAX), so that every file downloads under its own name.</summary>
    public const int MaxNameBytes = LocalName.MaxBytes;

    public const char Separator = '/';

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// A remote path as BitDust's clients write it, "/docs/x" for "docs/x": one leading '/' names the root and is dropped. The
    /// result still needs <see cref="Validate"/>.
    /// </summary>
    public static string FromClient(string path) =>
        path.Length > 1 && path[0] == Separator && path[1] != Separator ? path[1..] : path;

    /// <summary>Null when <paramref name="path"/> is a valid remote path, otherwise what is wrong with it.</summary>
    public static string? Validate(string? path)
    {
        if (string.IsNullOrEmpty(path))
            return "a remote path cannot be empty";
        int bytes;
        try
        {
            bytes = StrictUtf8.GetByteCount(path);
        }
        catch (EncoderFallbackException)
        {
            return "a remote path must be valid Unicode text";
        }
        if (bytes > MaxBytes)
            return $"a remote path is at most {MaxBytes} bytes of UTF-8, not {bytes}";
        if (path[0] == Separator)
            return $"a remote path is relative: \"{Shown(path)}\" starts with '/'";
        if (path.Any(char.IsControl))
            return "a remote path cannot hold control characters";
        foreach (var part in path.Split(Separator))
        {
            if (part.Length == 0)
                return $"\"{Shown(path)}\" has an empty part (a doubled or trailing '/')";
            if (part is "." or "..")
                return $"\"{Shown(path)}\" has a \"{part}\" part; name the file without \".\" or \"..\"";
            if (Encoding.UTF8.GetByteCount(part) is var partBytes and > MaxNameBytes)
                return $"\"{Shown(part)}\" is {partBytes} bytes of UTF-8; a name is at most {MaxNameBytes}: shorten it";
        }
        return null;
    }

    public static bool IsValid(string? path, [NotNullWhen(false)] out string? error)
    {
        error = Validate(path);
        return error is null;
    }

    /// <summary>
    /// The remote path a local file or folder gets by default: its own name. A root folder has none, and the caller must
    /// then name one.
    /// </summary>
    public static string? DefaultFor(string localPath)
    {
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(localPath)));
        return Validate(name) is null ? name : null;
    }

    /// <summary>
    /// The remote path that names a local file by its whole path ("/home/ann/notes.txt" is "home/ann/notes.txt"): what
    /// <c>bitdust stub</c> uses, so files of one name in different folders never become versions of each other.
    /// </summary>
    public static string FromLocalPath(string localPath)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(localPath));
        var relative = Path.GetRelativePath(Path.GetPathRoot(full)!, full).Replace(Path.DirectorySeparatorChar, Separator);
        return Validate(relative) is { } problem
            ? throw new ArgumentException($"{full} cannot name a file in the catalog: {problem}; give the remote path")
            : relative;
    }

    /// <summary><paramref name="prefix"/>/<paramref name="relative"/>, with the local separator turned into '/'.</summary>
    public static string Join(string prefix, string relative) =>
        prefix + Separator + relative.Replace(Path.DirectorySeparatorChar, Separator);

    /// <summary>Where <paramref name="remotePath"/> (under <paramref name="prefix"/>) lands in <paramref name="folder"/>.</summary>
    public static string LocalPathUnder(string folder, string prefix, string remotePath)
    {
        var relative = remotePath[(prefix.Length + 1)..];
        return Path.Combine(folder, relative.Replace(Separator, Path.DirectorySeparatorChar));
    }

    /// <summary>The first 80 characters of <paramref name="path"/>, cut between characters (never inside a surrogate pair).</summary>
    private static string Shown(string path) =>
        path.EnumerateRunes().Count() > 80 ? string.Concat(path.EnumerateRunes().Take(80)) + "…" : path;
}

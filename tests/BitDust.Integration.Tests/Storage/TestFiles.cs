using System.Security.Cryptography;

namespace BitDust.Integration.Tests.Storage;

/// <summary>Files for the storage tests: random content, trees of small files, their SHA-256, and byte searches on disk.</summary>
public static class TestFiles
{
    /// <summary>A file of <paramref name="size"/> random bytes (replacing one that is there), written 1 MiB at a time.</summary>
    public static void WriteRandom(string path, long size)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        var chunk = new byte[1 << 20];
        for (var left = size; left > 0; left -= chunk.Length)
        {
            var part = chunk.AsSpan(0, (int)Math.Min(chunk.Length, left));
            RandomNumberGenerator.Fill(part);
            file.Write(part);
        }
    }

    /// <summary>
    /// <paramref name="count"/> files of 0 to <paramref name="maxSize"/> random bytes under <paramref name="root"/>, in folders
    /// nested up to three deep; returns their paths relative to the root.
    /// </summary>
    public static IReadOnlyList<string> WriteTree(string root, int count, int maxSize, Random random)
    {
        var paths = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var folders = Enumerable.Range(0, random.Next(4)).Select(_ => $"d{random.Next(5)}");
            var relative = Path.Combine([.. folders, $"f{i:0000}.bin"]);
            var path = Path.Combine(root, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var content = new byte[random.Next(maxSize + 1)];
            random.NextBytes(content);
            File.WriteAllBytes(path, content);
            paths.Add(relative);
        }
        return paths;
    }

    public static string Sha256(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(file));
    }

    /// <summary>Every file under <paramref name="root"/> by its path relative to it ('/'-separated), with its SHA-256.</summary>
    public static SortedDictionary<string, string> HashTree(string root) => new(
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(root, f).Replace(Path.DirectorySeparatorChar, '/'), Sha256),
        StringComparer.Ordinal);

    /// <summary>"FILE holds PATTERN" for every file under <paramref name="folder"/> that holds one of the byte patterns.</summary>
    public static IReadOnlyList<string> Search(string folder, IReadOnlyDictionary<string, byte[]> patterns)
    {
        var hits = new List<string>();
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(file);
            }
            catch (FileNotFoundException)
            {
                // A daemon's temporary file, gone between the listing and the read.
                continue;
            }
            hits.AddRange(patterns.Where(p => bytes.AsSpan().IndexOf(p.Value) >= 0).Select(p => $"{file} holds {p.Key}"));
        }
        return hits;
    }
}

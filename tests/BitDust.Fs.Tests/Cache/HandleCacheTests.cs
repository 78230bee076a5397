using BitDust.Fs.Cache;

namespace BitDust.Fs.Tests.Cache;

/// <summary>The handle cache keeps a bounded number of files open, and never closes one that is being used.</summary>
public sealed class HandleCacheTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bitdust-handles-").FullName;

    [Fact]
    public void A_file_forgotten_while_its_handle_is_leased_reads_on_and_its_handle_closes_with_the_lease()
    {
        using var cache = new HandleCache(4);
        var path = FileWith([7, 8, 9]);
        var lease = cache.Rent(path);

        cache.Forget(path);
        File.Delete(path);

        Assert.Equal(1, cache.OpenCount);
        var read = new byte[3];
        Assert.Equal(3, RandomAccess.Read(lease.Handle, read, 0));
        Assert.Equal([7, 8, 9], read);
        lease.Dispose();
        Assert.True(lease.Handle.IsClosed);
        Assert.Equal(0, cache.OpenCount);
        Assert.Equal(0, Descriptors.OpenUnder(_folder));
    }

    [Fact]
    public void The_least_recently_used_handle_goes_first_and_one_in_use_only_when_its_lease_ends()
    {
        using var cache = new HandleCache(2);
        var (a, b, c) = (FileWith([1]), FileWith([2]), FileWith([3]));
        var leasedA = cache.Rent(a);
        var handleB = Use(cache, b);
        Use(cache, c);

        // a, least recently used, is out of the cache but still open for its lease.
        Assert.Equal(3, cache.OpenCount);
        Assert.False(leasedA.Handle.IsClosed);
        leasedA.Dispose();
        Assert.True(leasedA.Handle.IsClosed);
        Assert.Equal(2, cache.OpenCount);
        Assert.Same(handleB, Use(cache, b));
        Assert.NotSame(leasedA.Handle, Use(cache, a));
        Assert.Equal(2, Descriptors.OpenUnder(_folder));

        cache.Dispose();
        Assert.Equal(0, Descriptors.OpenUnder(_folder));
        Assert.Throws<ObjectDisposedException>(() => cache.Rent(a));
    }

    private static Microsoft.Win32.SafeHandles.SafeFileHandle Use(HandleCache cache, string path)
    {
        using var lease = cache.Rent(path);
        return lease.Handle;
    }

    private string FileWith(byte[] bytes)
    {
        var path = Path.Combine(_folder, Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

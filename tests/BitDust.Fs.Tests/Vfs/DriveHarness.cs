using BitDust.Engine.Tests.Storage.Customer;
using BitDust.Fs.Vfs;

namespace BitDust.Fs.Tests.Vfs;

/// <summary>A drive over a real customer (in-process TLS suppliers), driven through IFileSystem as an adapter would.</summary>
internal sealed class DriveHarness : IAsyncDisposable
{
    private DriveHarness(CustomerHarness customer, DriveFileSystem drive, string cache)
    {
        Customer = customer;
        Drive = drive;
        Cache = cache;
    }

    public CustomerHarness Customer { get; }

    public DriveFileSystem Drive { get; private set; }

    public string Cache { get; private set; }

    public static async Task<DriveHarness> StartAsync(long cacheLimit = 64L << 20, long quota = 200L << 20)
    {
        var customer = await CustomerHarness.StartAsync();
        await customer.HireAsync();
        var cache = Directory.CreateTempSubdirectory("bitdust-drive-cache-").FullName;
        return new DriveHarness(customer, Open(customer, cache, cacheLimit, quota), cache);
    }

    private static DriveFileSystem Open(CustomerHarness customer, string cache, long cacheLimit, long quota) =>
        DriveFileSystem.Open(customer.Storage, new DriveOptions { CacheFolder = cache, CacheLimit = cacheLimit, Quota = quota },
            TestLog.Instance);

    /// <summary>Closes this drive and opens another with an empty cache over the same catalog, as after a remount elsewhere.</summary>
    public async Task ReopenWithEmptyCacheAsync(long cacheLimit = 64L << 20)
    {
        await Drive.Queue.FlushAsync(null, CancellationToken.None).WaitAsync(CustomerHarness.StepTimeout);
        await Drive.DisposeAsync();
        Directory.Delete(Cache, recursive: true);
        Cache = Directory.CreateTempSubdirectory("bitdust-drive-cache-").FullName;
        Drive = Open(Customer, Cache, cacheLimit, 200L << 20);
    }

    /// <summary>Closes this drive as an unmount does (pending uploads go on in the storage) and, after <paramref name="meanwhile"/>,
    /// opens another over the same cache and catalog, as the next mount does.</summary>
    public async Task RemountAsync(Func<Task> meanwhile)
    {
        var limit = Drive.Space.Limit;
        await Drive.DisposeAsync();
        await meanwhile();
        Drive = Open(Customer, Cache, limit, 200L << 20);
    }

    public void WriteFile(string path, byte[] content, int mode = 0x1A4) =>
        Assert.Equal(Errno.Ok, Drive.Release(path, WriteOpen(path, content, mode)));

    /// <summary>Creates and writes a file, leaving it open: the handle is the caller's to release.</summary>
    public ulong WriteOpen(string path, byte[] content, int mode = 0x1A4)
    {
        Assert.Equal(Errno.Ok, Drive.Create(path, mode, OpenFlags.WriteOnly | OpenFlags.Create | OpenFlags.Truncate, 0, 0, out var handle));
        for (var offset = 0; offset < content.Length; offset += 128 * 1024)
        {
            var chunk = content.AsSpan(offset, Math.Min(128 * 1024, content.Length - offset));
            Assert.Equal(Errno.Ok, Drive.Write(path, handle, chunk, offset, out var written));
            Assert.Equal(chunk.Length, written);
        }
        return handle;
    }

    public byte[] ReadFile(string path)
    {
        Assert.Equal(Errno.Ok, Drive.GetAttributes(path, 0, out var attributes));
        Assert.Equal(Errno.Ok, Drive.Open(path, OpenFlags.ReadOnly, out var handle));
        var content = new byte[attributes.Size];
        for (var offset = 0; offset < content.Length;)
        {
            Assert.Equal(Errno.Ok, Drive.Read(path, handle, content.AsSpan(offset, Math.Min(128 * 1024, content.Length - offset)), offset,
                out var read));
            Assert.True(read > 0);
            offset += read;
        }
        Assert.Equal(Errno.Ok, Drive.Release(path, handle));
        return content;
    }

    public string Attribute(string path, string name)
    {
        var buffer = new byte[64];
        Assert.Equal(Errno.Ok, Drive.GetExtendedAttribute(path, name, buffer, out var size));
        return System.Text.Encoding.UTF8.GetString(buffer, 0, size);
    }

    public async ValueTask DisposeAsync()
    {
        await Drive.DisposeAsync();
        await Customer.DisposeAsync();
        Directory.Delete(Cache, recursive: true);
    }
}

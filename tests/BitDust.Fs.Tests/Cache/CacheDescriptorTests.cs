using System.Collections.Concurrent;
using System.Security.Cryptography;
using BitDust.Engine.Pipeline;
using BitDust.Engine.Storage.Customer;
using BitDust.Engine.Storage.Customer.Records;
using BitDust.Engine.Tests.Storage.Customer;
using BitDust.Fs.Cache;
using BitDust.Fs.Tests.Vfs;

namespace BitDust.Fs.Tests.Cache;

/// <summary>
/// The descriptors the cache holds do not grow with the copies it holds: a copy is opened when it is read or written, and
/// only a bounded number stay open between uses, whatever state the copies are in and however many threads read them.
/// </summary>
public sealed class CacheDescriptorTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bitdust-cache-fds-").FullName;

    [Fact]
    public void Thousands_of_copies_written_sealed_made_durable_and_read_keep_a_bounded_number_of_descriptors_open()
    {
        var space = new CacheSpace(1L << 30);
        var contents = new List<(LocalContent Copy, byte[] Bytes)>();
        var peak = 0;
        for (var i = 0; i < 2000; i++)
        {
            var copy = LocalContent.Create(_folder, space);
            var bytes = RandomNumberGenerator.GetBytes(1024);
            copy.Write(bytes, 0);
            copy.Seal();
            if (i % 2 == 0)
                copy.MarkDurable(VersionOf(i));
            contents.Add((copy, bytes));
            if (i % 100 == 0)
                peak = Math.Max(peak, Descriptors.OpenUnder(_folder));
        }
        foreach (var (copy, bytes) in contents)
        {
            var read = new byte[bytes.Length];
            Assert.Equal(bytes.Length, copy.Read(read, 0));
            Assert.Equal(bytes, read);
        }
        peak = Math.Max(peak, Descriptors.OpenUnder(_folder));
        Assert.InRange(peak, 1, CacheSpace.DefaultOpenFiles);

        foreach (var (copy, _) in contents)
            copy.Discard();
        Assert.Equal(0, Descriptors.OpenUnder(_folder));
        Assert.Empty(Directory.EnumerateFiles(_folder));
    }

    [Fact]
    public void A_discarded_copy_closes_its_handle_and_deletes_its_file_and_a_read_of_it_says_it_is_gone()
    {
        var space = new CacheSpace(1L << 30);
        var copy = LocalContent.Create(_folder, space);
        copy.Write([1, 2, 3], 0);
        copy.Seal();
        var read = new byte[3];
        Assert.Equal(3, copy.Read(read, 0));
        Assert.Equal(1, Descriptors.OpenUnder(_folder));

        copy.Discard();

        Assert.Equal(0, Descriptors.OpenUnder(_folder));
        Assert.Equal(0, space.Handles.OpenCount);
        Assert.False(File.Exists(copy.Path));
        Assert.Throws<ObjectDisposedException>(() => copy.Read(read, 0));
    }

    [Fact]
    public async Task Readers_on_many_threads_get_each_copy_s_bytes_while_copies_outnumber_handles_and_some_are_discarded()
    {
        const int openFiles = 8;
        const int readers = 8;
        var space = new CacheSpace(1L << 30, openFiles);
        var copies = Enumerable.Range(0, 200).Select(_ =>
        {
            var copy = LocalContent.Create(_folder, space);
            var bytes = RandomNumberGenerator.GetBytes(16 << 10);
            copy.Write(bytes, 0);
            copy.Seal();
            return (Copy: copy, Bytes: bytes);
        }).ToArray();
        var discarded = new ConcurrentDictionary<LocalContent, bool>();
        var peak = 0;
        using var stop = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, Math.Max(space.Handles.OpenCount, Descriptors.OpenUnder(_folder)));
                await Task.Yield();
            }
        });
        var reads = Enumerable.Range(0, readers).Select(seed => Task.Run(() =>
        {
            var random = new Random(seed);
            for (var n = 0; n < 3000; n++)
            {
                var (copy, bytes) = copies[random.Next(copies.Length)];
                var offset = random.Next(bytes.Length);
                var buffer = new byte[random.Next(1, bytes.Length - offset + 1)];
                try
                {
                    Assert.Equal(buffer.Length, copy.Read(buffer, offset));
                }
                catch (ObjectDisposedException)
                {
                    Assert.True(discarded.ContainsKey(copy), $"{copy.Path} was not discarded, yet a read of it said it was");
                    continue;
                }
                Assert.Equal(bytes.AsSpan(offset, buffer.Length).ToArray(), buffer);
            }
        }));
        var discards = Task.Run(async () =>
        {
            foreach (var (copy, _) in copies.Take(50))
            {
                discarded[copy] = true;
                copy.Discard();
                await Task.Delay(2);
            }
        });
        await Task.WhenAll(reads.Append(discards)).WaitAsync(CustomerHarness.StepTimeout);
        await stop.CancelAsync();
        await watcher.WaitAsync(CustomerHarness.StepTimeout);

        // Kept between uses, and those leased by the readers at that moment.
        Assert.InRange(peak, 1, openFiles + readers);
        Assert.InRange(space.Handles.OpenCount, 1, openFiles);
        foreach (var (copy, _) in copies)
            copy.Discard();
        Assert.Equal(0, Descriptors.OpenUnder(_folder));
        Assert.Equal(0, space.Handles.OpenCount);
    }

    [Fact]
    public async Task Hundreds_of_files_written_then_read_back_from_the_network_keep_a_bounded_number_of_descriptors_on_the_cache()
    {
        await using var drive = await DriveHarness.StartAsync();
        var files = Enumerable.Range(0, 300).Select(_ => CustomerHarness.RandomBytes(1024)).ToArray();
        for (var i = 0; i < files.Length; i++)
            drive.WriteFile($"/f{i}", files[i]);
        var afterWrites = Descriptors.OpenUnder(drive.Cache);

        await drive.ReopenWithEmptyCacheAsync();
        for (var i = 0; i < files.Length; i++)
            Assert.Equal(files[i], drive.ReadFile($"/f{i}"));
        var afterReads = Descriptors.OpenUnder(drive.Cache);

        Assert.InRange(afterWrites, 1, CacheSpace.DefaultOpenFiles);
        Assert.InRange(afterReads, 1, CacheSpace.DefaultOpenFiles);
    }

    private static CatalogVersion VersionOf(int i) =>
        new(new FileVersion(Guid.NewGuid(), i), 1024, VersionState.Durable, DateTimeOffset.UtcNow, [1]);

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

using BitDust.Engine.Common;
using BitDust.Engine.Tests.Storage.Customer;

namespace BitDust.Engine.Tests.Common;

public sealed class AtomicFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bitdust-atomic-").FullName;

    [Fact]
    public async Task A_file_whose_name_is_255_bytes_is_written_and_no_temporary_stays_beside_it()
    {
        foreach (var name in UnicodeTrees.Names)
        {
            var path = Path.Combine(_folder, name);
            await AtomicFile.WriteAsync(path, new byte[] { 1, 2, 3 }).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal([1, 2, 3], await File.ReadAllBytesAsync(path).WaitAsync(TimeSpan.FromSeconds(30)));
        }
        Assert.Equal(UnicodeTrees.Names.Order(StringComparer.Ordinal),
            Directory.EnumerateFileSystemEntries(_folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

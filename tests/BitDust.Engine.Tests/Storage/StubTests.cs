using System.Text;
using BitDust.Engine.Coding;
using BitDust.Engine.Crypto;
using BitDust.Engine.Pipeline;
using BitDust.Engine.Storage;
using BitDust.TestSupport;
using FsCheck;
using FsCheck.Fluent;
using static BitDust.Engine.Tests.Pipeline.PipelineFixture;

namespace BitDust.Engine.Tests.Storage;

public sealed class StubTests : IDisposable
{
    private readonly IdentityKey _owner = IdentityKey.Generate();
    private readonly IdentityKey _stranger = IdentityKey.Generate();
    private readonly MasterKey _masterKey = MasterKey.Generate();

    [Fact]
    public async Task A_stub_carries_name_mode_time_and_a_manifest_that_restores_the_file()
    {
        using var store = new MemoryFragmentStore();
        var content = RandomBytes(3 * SmallBlock + 11, 1);
        var manifest = await WriteAsync(content, _masterKey, Options(ErasureScheme.ForSuppliers(4)), store);
        var modified = new DateTimeOffset(2026, 11, 22, 10, 30, 0, TimeSpan.Zero);

        var stub = Stub.Read(Stub.Create("photos/2026/été.jpg", 0x1A4, modified, manifest, _owner), _owner.PublicKey);

        Assert.Equal("photos/2026/été.jpg", stub.Name);
        Assert.Equal(0x1A4, stub.Mode);
        Assert.Equal(modified, stub.Modified);
        Assert.Equal(content, await ReadAsync(stub.Manifest, _masterKey, store));
    }

    [Fact]
    public void Random_bytes_are_refused_with_a_reason()
    {
        var garbage = Gen.OneOf(
            ArbMap.Default.GeneratorFor<byte[]>(),
            ArbMap.Default.GeneratorFor<byte[]>().Select(tail => Stub.Magic.ToArray().Concat(tail).ToArray()),
            ArbMap.Default.GeneratorFor<byte[]>().Select(tail => Stub.Magic.ToArray().Concat(new byte[] { 1, 0, 0, 4 }).Concat(tail).ToArray()));
        Prop.ForAll(garbage.ToArbitrary(), bytes =>
            !Stub.TryRead(bytes, _owner.PublicKey, out _, out var error) && !string.IsNullOrWhiteSpace(error))
            .Check(Config.QuickThrowOnFailure.WithMaxTest(1000));
    }

    [Fact]
    public async Task Every_truncation_and_random_bit_flips_are_refused()
    {
        var valid = await MakeStubAsync("a.txt", _owner);
        for (var length = 0; length < valid.Length; length += 7)
        {
            var error = Assert.Throws<StubException>(() => Stub.Read(valid.AsSpan(0, length), _owner.PublicKey)).Message;
            Assert.False(string.IsNullOrWhiteSpace(error));
        }
        Prop.ForAll(Gen.Choose(0, valid.Length * 8 - 1).ToArbitrary(), bit =>
        {
            var flipped = (byte[])valid.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            return !Stub.TryRead(flipped, _owner.PublicKey, out _, out _);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    [Fact]
    public async Task A_foreign_stub_is_refused_as_belonging_to_another_identity()
    {
        var foreign = await MakeStubAsync("their.txt", _stranger);

        var error = Assert.Throws<StubException>(() => Stub.Read(foreign, _owner.PublicKey)).Message;

        Assert.Contains("belongs to another identity", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stub_altered_and_re_signed_by_someone_else_is_refused()
    {
        var valid = await MakeStubAsync("report.pdf", _owner);
        // Rename the file inside the stub, keep the owner's fingerprint, and sign it with another key.
        var renamed = Encoding.UTF8.GetBytes("rep0rt.pdf");
        var nameOffset = Stub.Magic.Length + 4;
        renamed.CopyTo(valid, nameOffset);
        var signatureLengthOffset = valid.Length - 2 - 64;
        var resigned = valid.AsSpan(0, signatureLengthOffset).ToArray();
        var signature = _stranger.Sign(resigned);
        byte[] forged = [.. resigned, 0, (byte)signature.Length, .. signature];

        var error = Assert.Throws<StubException>(() => Stub.Read(forged, _owner.PublicKey)).Message;

        Assert.Contains("bad signature", error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_oversized_stub_is_refused_before_parsing()
    {
        var huge = new byte[Stub.MaxSize + 1];
        Stub.Magic.CopyTo(huge);

        Assert.Contains("over the", Assert.Throws<StubException>(() => Stub.Read(huge, _owner.PublicKey)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/etc/passwd")]
    [InlineData("a/../../b")]
    [InlineData("a//b")]
    public async Task Unsafe_names_are_refused_when_writing(string name)
    {
        using var store = new MemoryFragmentStore();
        var manifest = await WriteAsync(RandomBytes(10, 2), _masterKey, Options(ErasureScheme.ForSuppliers(2)), store);

        Assert.Throws<ArgumentException>(() => Stub.Create(name, 0x1A4, DateTimeOffset.UtcNow, manifest, _owner));
    }

    private async Task<byte[]> MakeStubAsync(string name, IdentityKey signer)
    {
        using var store = new MemoryFragmentStore();
        var manifest = await WriteAsync(RandomBytes(2 * SmallBlock, 3), _masterKey, Options(ErasureScheme.ForSuppliers(4)), store);
        return Stub.Create(name, 0x1A4, DateTimeOffset.UtcNow, manifest, signer);
    }

    public void Dispose()
    {
        _owner.Dispose();
        _stranger.Dispose();
        _masterKey.Dispose();
    }
}

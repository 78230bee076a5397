using BitDust.Engine.Coding;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace BitDust.Engine.Tests.Coding;

public class ReedSolomonTests
{
    private static readonly Gen<RoundTrip> RoundTrips =
        from scheme in CodingGen.Scheme
        from kernel in CodingGen.Kernel
        from length in CodingGen.Length
        from erased in Gen.Choose(0, scheme.ParityCount)
        from seed in CodingGen.Seed
        select new RoundTrip(scheme, kernel, length, erased, seed);

    [Property]
    public Property Any_k_surviving_fragments_rebuild_the_exact_bytes() =>
        Prop.ForAll(RoundTrips.ToArbitrary(), c =>
        {
            var random = new Random(c.Seed);
            var coder = new ReedSolomon(c.Scheme, c.Kernel);
            var original = Fragments.Encoded(coder, c.Length, random);
            var damaged = original.Copy();
            var present = damaged.Erase(c.Erased, random);
            coder.Reconstruct(damaged.Views, present, c.Length);
            damaged.AssertEqual(original, c.ToString());
        });

    [Property]
    public Property Every_kernel_writes_the_same_parity_as_scalar() =>
        Prop.ForAll(RoundTrips.ToArbitrary(), c =>
        {
            var expected = Fragments.Encoded(new ReedSolomon(c.Scheme, GfKernel.Get(GfKernelKind.Scalar)), c.Length, new Random(c.Seed));
            var actual = Fragments.Encoded(new ReedSolomon(c.Scheme, c.Kernel), c.Length, new Random(c.Seed));
            actual.AssertEqual(expected, c.ToString());
        });

    [Theory]
    [MemberData(nameof(PresetsAndKernels))]
    public void Every_preset_survives_every_erasure_pattern_it_can(int suppliers, GfKernelKind kind)
    {
        var coder = new ReedSolomon(ErasureScheme.ForSuppliers(suppliers), GfKernel.Get(kind));
        var random = new Random(suppliers);
        var original = Fragments.Encoded(coder, 333, random);
        var total = coder.Scheme.Total;
        var parity = coder.Scheme.ParityCount;

        // Exhaustive where it is cheap, random patterns of every size otherwise.
        var patterns = total <= 13
            ? Enumerable.Range(0, parity + 1).SelectMany(e => GaloisMatrixTests.Subsets(total, e))
            : Enumerable.Range(0, 60).Select(i => Shuffle(total, random).Take(i % (parity + 1)).ToArray());
        foreach (var erased in patterns)
        {
            var damaged = original.Copy();
            var present = damaged.Erase(erased);
            coder.Reconstruct(damaged.Views, present, 333);
            damaged.AssertEqual(original, $"{coder.Scheme} {kind} erased [{string.Join(',', erased)}]");
        }
    }

    public static TheoryData<int, GfKernelKind> PresetsAndKernels()
    {
        var data = new TheoryData<int, GfKernelKind>();
        foreach (var suppliers in ErasureScheme.SupplierCounts)
        {
            foreach (var kernel in GfKernel.Supported)
            {
                data.Add(suppliers, kernel.Kind);
            }
        }

        return data;
    }

    [Property]
    public Property Data_only_rebuilds_the_data_and_leaves_lost_parity_alone() =>
        Prop.ForAll(RoundTrips.ToArbitrary(), c =>
        {
            var random = new Random(c.Seed);
            var coder = new ReedSolomon(c.Scheme, c.Kernel);
            var original = Fragments.Encoded(coder, c.Length, random);
            var damaged = original.Copy();
            var present = damaged.Erase(c.Erased, random);
            var wiped = damaged.Copy();
            coder.Reconstruct(damaged.Views, present, c.Length, dataOnly: true);
            for (var i = 0; i < c.Scheme.Total; i++)
            {
                var expected = i < c.Scheme.DataCount ? original : wiped;
                Assert.Equal(expected.Arrays[i], damaged.Arrays[i]);
            }
        });

    [Fact]
    public void Fewer_than_k_fragments_is_a_clear_error()
    {
        var coder = new ReedSolomon(new ErasureScheme(4, 3));
        var fragments = Fragments.Encoded(coder, 100, new Random(1));
        var present = fragments.Erase([0, 2, 5, 6]);
        var error = Assert.Throws<NotEnoughFragmentsException>(() => coder.Reconstruct(fragments.Views, present, 100));
        Assert.Equal(3, error.Present);
        Assert.Equal(4, error.Needed);
        Assert.Contains("3 of 7", error.Message, StringComparison.Ordinal);
        Assert.Contains("any 4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nothing_missing_changes_nothing()
    {
        var coder = new ReedSolomon(new ErasureScheme(3, 2));
        var fragments = Fragments.Encoded(coder, 50, new Random(2));
        var copy = fragments.Copy();
        coder.Reconstruct(fragments.Views, [true, true, true, true, true], 50);
        fragments.AssertEqual(copy, "no erasures");
        coder.Reconstruct(fragments.Views, [true, true, true, false, false], 50, dataOnly: true);
        fragments.AssertEqual(copy, "data only, data present");
    }

    [Fact]
    public void Wrong_shapes_are_refused()
    {
        var coder = new ReedSolomon(new ErasureScheme(2, 1));
        var shards = new Memory<byte>[] { new byte[64], new byte[64], new byte[64] };
        Assert.Throws<ArgumentException>(() => coder.Encode(shards.AsSpan(0, 2), 64));
        Assert.Throws<ArgumentException>(() => coder.Encode(shards, 65));
        Assert.Throws<ArgumentOutOfRangeException>(() => coder.Encode(shards, -1));
        Assert.Throws<ArgumentException>(() => coder.Reconstruct(shards, [true, false], 64));
        Assert.Equal(new ErasureScheme(2, 1), coder.Scheme);
        Assert.Same(GfKernel.Best, coder.Kernel);
    }

    [Fact]
    public void One_coder_serves_several_threads_at_once()
    {
        var coder = new ReedSolomon(ErasureScheme.ForSuppliers(13));
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            try
            {
                var random = new Random(t);
                for (var round = 0; round < 200; round++)
                {
                    var length = random.Next(1, 3000);
                    var original = Fragments.Encoded(coder, length, random);
                    var damaged = original.Copy();
                    var present = damaged.Erase(random.Next(coder.Scheme.ParityCount + 1), random);
                    coder.Reconstruct(damaged.Views, present, length);
                    damaged.AssertEqual(original, $"thread {t} round {round}");
                }
            }
            catch (Exception e)
            {
                failures.Enqueue(e);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        Assert.All(threads, t => Assert.True(t.Join(TimeSpan.FromSeconds(30)), "a coding thread hung"));
        Assert.Empty(failures);
    }

    private static int[] Shuffle(int count, Random random)
    {
        var indices = Enumerable.Range(0, count).ToArray();
        random.Shuffle(indices);
        return indices;
    }

    private sealed record RoundTrip(ErasureScheme Scheme, GfKernel Kernel, int Length, int Erased, int Seed);

    /// <summary>One block's fragments, each inside a larger array at an odd offset.</summary>
    private sealed class Fragments
    {
        private Fragments(byte[][] arrays, int length)
        {
            Arrays = arrays;
            Views = arrays.Select((a, i) => a.AsMemory(Offset(i), length)).ToArray();
        }

        public byte[][] Arrays { get; }

        public Memory<byte>[] Views { get; }

        public static Fragments Encoded(ReedSolomon coder, int length, Random random)
        {
            var fragments = new Fragments(
                Enumerable.Range(0, coder.Scheme.Total).Select(i => CodingGen.Bytes(random, Offset(i) + length + 5)).ToArray(), length);
            coder.Encode(fragments.Views, length);
            return fragments;
        }

        public Fragments Copy() => new(Arrays.Select(a => (byte[])a.Clone()).ToArray(), Views[0].Length);

        /// <summary>Overwrites <paramref name="count"/> random fragments with junk; returns the present flags.</summary>
        public bool[] Erase(int count, Random random) => Erase(Shuffle(Arrays.Length, random).Take(count).ToArray());

        public bool[] Erase(IReadOnlyCollection<int> erased)
        {
            foreach (var i in erased)
            {
                Views[i].Span.Fill(0xEE);
            }

            return Enumerable.Range(0, Arrays.Length).Select(i => !erased.Contains(i)).ToArray();
        }

        public void AssertEqual(Fragments expected, string what)
        {
            for (var i = 0; i < Arrays.Length; i++)
            {
                if (!Arrays[i].AsSpan().SequenceEqual(expected.Arrays[i]))
                {
                    Assert.Fail($"fragment {i} differs: {what}");
                }
            }
        }

        private static int Offset(int index) => (index * 7) % 61;
    }
}

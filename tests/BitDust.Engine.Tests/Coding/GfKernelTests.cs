using BitDust.Engine.Coding;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace BitDust.Engine.Tests.Coding;

public class GfKernelTests
{
    private const byte Guard = 0xCD;

    [Fact]
    public void Scalar_is_always_supported_and_best_is_the_fastest_supported_kind()
    {
        Assert.Contains(GfKernel.Supported, k => k.Kind == GfKernelKind.Scalar);
        Assert.Contains(GfKernel.Best, GfKernel.Supported);
        var preference = new[] { GfKernelKind.Gfni512, GfKernelKind.Avx512, GfKernelKind.Gfni256, GfKernelKind.Avx2, GfKernelKind.Scalar };
        Assert.Equal(preference.First(kind => GfKernel.Supported.Any(k => k.Kind == kind)), GfKernel.Best.Kind);
        foreach (var kernel in GfKernel.Supported)
        {
            Assert.Same(kernel, GfKernel.Get(kernel.Kind));
        }
    }

    [Fact]
    public void Get_refuses_a_kind_the_cpu_cannot_run()
    {
        var error = Assert.Throws<NotSupportedException>(() => GfKernel.Get((GfKernelKind)99));
        Assert.Contains("Scalar", error.Message, StringComparison.Ordinal);
    }

    [Property]
    public Property Every_kernel_multiplies_like_scalar_at_any_shape_length_and_alignment()
    {
        var cases =
            from shape in Gen.Frequency((12, Gen.Zip(Gen.Choose(1, 32), Gen.Choose(0, 32))), (1, Gen.Constant((100, 100))))
            from length in CodingGen.Length
            from offset in CodingGen.Offset
            from seed in CodingGen.Seed
            select new MultiplyCase(shape.Item1, shape.Item2, length, offset, seed);
        return Prop.ForAll(cases.ToArbitrary(), c =>
        {
            foreach (var kernel in CodingGen.VectorKernels)
            {
                AssertMatchesScalar(kernel, c);
            }
        });
    }

    [Fact]
    public void Every_kernel_multiplies_like_scalar_in_passes_large_enough_to_stream()
    {
        // Big passes prefetch, and stream their outputs when they share one alignment, as fragments carved from one
        // buffer at 64-byte multiples do; skewed ones (separate arrays, say) take ordinary stores. The start offset
        // moves the alignment around.
        var cases =
            from inputs in Gen.Choose(1, 10)
            from outputs in Gen.Choose(1, 20)
            from extra in Gen.Choose(0, 3000)
            from offset in Gen.Choose(0, 64)
            from skewed in Gen.Elements(false, true)
            from seed in CodingGen.Seed
            select new LargeCase(new MultiplyCase(inputs, outputs, (262144 / outputs) + extra, offset, seed), skewed);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(30), Prop.ForAll(cases.ToArbitrary(), large =>
        {
            var c = large.Case;
            var random = new Random(c.Seed);
            var matrix = CodingGen.Bytes(random, c.Inputs * c.Outputs);
            var inputs = Enumerable.Range(0, c.Inputs)
                .Select(_ => (ReadOnlyMemory<byte>)CodingGen.Bytes(random, c.Length))
                .ToArray();
            var starts = Enumerable.Range(0, c.Outputs)
                .Select(r => c.Offset + (r * (((c.Length + 63) & ~63) + 64)) + (large.Skewed ? (r * 24) % 64 : 0))
                .ToArray();
            var expected = new byte[starts[^1] + c.Length + 64];
            var actual = new byte[expected.Length];
            GfKernel.Get(GfKernelKind.Scalar).Multiply(matrix, inputs, Carve(expected, starts, c.Length), c.Length);
            foreach (var kernel in CodingGen.VectorKernels)
            {
                actual.AsSpan().Fill(Guard);
                kernel.Multiply(matrix, inputs, Carve(actual, starts, c.Length), c.Length);
                var gapStart = 0;
                foreach (var start in starts)
                {
                    AssertUntouched(actual.AsSpan(gapStart, start - gapStart), kernel, large);
                    if (!actual.AsSpan(start, c.Length).SequenceEqual(expected.AsSpan(start, c.Length)))
                    {
                        Assert.Fail($"{kernel.Kind} differs from Scalar in the output at {start}: {large}");
                    }

                    gapStart = start + c.Length;
                }

                AssertUntouched(actual.AsSpan(gapStart), kernel, large);
            }
        }));
    }

    [Fact]
    public void Zero_and_identity_coefficients_give_zero_and_copies()
    {
        var random = new Random(7);
        foreach (var kernel in GfKernel.Supported)
        {
            var input = CodingGen.Bytes(random, 1001);
            var outputs = new[] { new byte[1001], new byte[1001] };
            kernel.Multiply([0, 1], [input], [outputs[0], outputs[1]], 1001);
            Assert.All(outputs[0], b => Assert.Equal(0, b));
            Assert.Equal(input, outputs[1]);
        }
    }

    [Fact]
    public void No_inputs_means_zero_outputs()
    {
        foreach (var kernel in GfKernel.Supported)
        {
            var output = Enumerable.Repeat(Guard, 100).ToArray();
            kernel.Multiply([], [], [output.AsMemory(10, 80)], 80);
            Assert.All(output.AsSpan(10, 80).ToArray(), b => Assert.Equal(0, b));
            Assert.Equal(Guard, output[9]);
            Assert.Equal(Guard, output[90]);
        }
    }

    [Fact]
    public void Mismatched_matrix_or_short_fragments_are_rejected()
    {
        var kernel = GfKernel.Best;
        var input = new byte[64];
        var output = new byte[64];
        Assert.Throws<ArgumentException>(() => kernel.Multiply([1, 2], [input], [output], 64));
        var shortInput = Assert.Throws<ArgumentException>(() => kernel.Multiply([1], [input], [new byte[65]], 65));
        Assert.Contains("inputs[0]", shortInput.Message, StringComparison.Ordinal);
        var shortOutput = Assert.Throws<ArgumentException>(() => kernel.Multiply([1, 1], [input], [output, new byte[63]], 64));
        Assert.Contains("outputs[1]", shortOutput.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => kernel.Multiply(new byte[257], new ReadOnlyMemory<byte>[257], [output], 64));
        Assert.Throws<ArgumentOutOfRangeException>(() => kernel.Multiply([1], [input], [output], -1));
    }

    // Each input and output sits at its own offset inside a larger array whose other bytes must stay untouched.
    private static void AssertMatchesScalar(GfKernel kernel, MultiplyCase c)
    {
        var (inputCount, outputCount, length, offset, seed) = c;
        var random = new Random(seed);
        var matrix = CodingGen.Bytes(random, inputCount * outputCount);
        var inputs = new ReadOnlyMemory<byte>[inputCount];
        for (var j = 0; j < inputCount; j++)
        {
            var start = (offset + j) % 97;
            inputs[j] = CodingGen.Bytes(random, start + length + 40).AsMemory(start, length);
        }

        var expected = Outputs(outputCount, length, offset);
        var actual = Outputs(outputCount, length, offset);
        GfKernel.Get(GfKernelKind.Scalar).Multiply(matrix, inputs, expected.Views, length);
        kernel.Multiply(matrix, inputs, actual.Views, length);
        for (var r = 0; r < outputCount; r++)
        {
            if (!expected.Arrays[r].AsSpan().SequenceEqual(actual.Arrays[r]))
            {
                Assert.Fail($"{kernel.Kind} differs from Scalar in output {r}: {c}");
            }

            Assert.Equal(Guard, actual.Arrays[r][0]);
            Assert.Equal(Guard, actual.Arrays[r][^1]);
        }
    }

    private static void AssertUntouched(ReadOnlySpan<byte> gap, GfKernel kernel, LargeCase large)
    {
        if (gap.IndexOfAnyExcept(Guard) >= 0)
        {
            Assert.Fail($"{kernel.Kind} wrote outside its outputs: {large}");
        }
    }

    private static Memory<byte>[] Carve(byte[] buffer, int[] starts, int length) =>
        starts.Select(start => buffer.AsMemory(start, length)).ToArray();

    private static (byte[][] Arrays, Memory<byte>[] Views) Outputs(int count, int length, int offset)
    {
        var arrays = new byte[count][];
        var views = new Memory<byte>[count];
        for (var r = 0; r < count; r++)
        {
            var start = 1 + ((offset + (3 * r)) % 89);
            arrays[r] = Enumerable.Repeat(Guard, start + length + 1 + (r % 7)).ToArray();
            views[r] = arrays[r].AsMemory(start, length);
        }

        return (arrays, views);
    }

    private sealed record MultiplyCase(int Inputs, int Outputs, int Length, int Offset, int Seed);

    private sealed record LargeCase(MultiplyCase Case, bool Skewed);
}

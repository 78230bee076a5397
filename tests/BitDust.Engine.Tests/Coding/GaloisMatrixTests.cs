using BitDust.Engine.Coding;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace BitDust.Engine.Tests.Coding;

public class GaloisMatrixTests
{
    [Property]
    public Property Inverse_times_matrix_is_the_identity_for_random_invertible_matrices()
    {
        var cases = Gen.Zip(Gen.Choose(1, 40), CodingGen.Seed).ToArbitrary();
        return Prop.ForAll(cases, c =>
        {
            var (size, seed) = c;
            var matrix = RandomInvertible(size, new Random(seed));
            var inverse = GaloisMatrix.Invert(matrix, size);
            Assert.Equal(Identity(size), GaloisMatrix.Multiply(matrix, size, inverse, size));
            Assert.Equal(Identity(size), GaloisMatrix.Multiply(inverse, size, matrix, size));
        });
    }

    [Fact]
    public void A_singular_matrix_is_refused_clearly()
    {
        // The third row is the sum of the first two.
        byte[] matrix = [1, 2, 3, 4, 5, 6, 1 ^ 4, 2 ^ 5, 3 ^ 6];
        var error = Assert.Throws<ArgumentException>(() => GaloisMatrix.Invert(matrix, 3));
        Assert.Contains("singular", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => GaloisMatrix.Invert(new byte[5], 2));
    }

    [Fact]
    public void Every_k_by_k_submatrix_of_the_systematic_code_is_invertible()
    {
        for (var n = 1; n <= 10; n++)
        {
            for (var k = 1; k <= n; k++)
            {
                var code = Identity(k).Concat(GaloisMatrix.Cauchy(k, n - k)).ToArray();
                foreach (var rows in Subsets(n, k))
                {
                    var square = rows.SelectMany(r => code.AsSpan(r * k, k).ToArray()).ToArray();
                    GaloisMatrix.Invert(square, k);
                }
            }
        }
    }

    [Fact]
    public void Cauchy_rows_follow_the_documented_formula()
    {
        var matrix = GaloisMatrix.Cauchy(4, 3);
        for (var i = 0; i < 3; i++)
        {
            for (var j = 0; j < 4; j++)
            {
                Assert.Equal(GaloisField.Inverse((byte)((4 + i) ^ j)), matrix[(i * 4) + j]);
            }
        }
    }

    // L * U with a unit lower and a nonzero-diagonal upper triangle: invertible by construction, yet dense.
    private static byte[] RandomInvertible(int size, Random random)
    {
        var lower = new byte[size * size];
        var upper = new byte[size * size];
        for (var r = 0; r < size; r++)
        {
            for (var c = 0; c < size; c++)
            {
                lower[(r * size) + c] = r == c ? (byte)1 : r > c ? (byte)random.Next(256) : (byte)0;
                upper[(r * size) + c] = r == c ? (byte)random.Next(1, 256) : r < c ? (byte)random.Next(256) : (byte)0;
            }
        }

        return GaloisMatrix.Multiply(lower, size, upper, size);
    }

    private static byte[] Identity(int size)
    {
        var identity = new byte[size * size];
        for (var i = 0; i < size; i++)
        {
            identity[(i * size) + i] = 1;
        }

        return identity;
    }

    internal static IEnumerable<int[]> Subsets(int n, int k)
    {
        var chosen = Enumerable.Range(0, k).ToArray();
        while (true)
        {
            yield return (int[])chosen.Clone();
            var i = k - 1;
            while (i >= 0 && chosen[i] == n - k + i)
            {
                i--;
            }

            if (i < 0)
            {
                yield break;
            }

            chosen[i]++;
            for (var j = i + 1; j < k; j++)
            {
                chosen[j] = chosen[j - 1] + 1;
            }
        }
    }
}

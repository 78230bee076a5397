namespace BitDust.Engine.Coding;

/// <summary>Row-major matrices over GF(2^8): the Cauchy parity rows and the inversions that turn them into decode rows.</summary>
public static class GaloisMatrix
{
    /// <summary>
    /// The m x k parity rows of a systematic code: element (i, j) = 1 / (x_i + y_j) with x_i = k + i and y_j = j.
    /// All x and y are distinct, so every square submatrix of this Cauchy matrix is invertible, which makes every
    /// k x k submatrix of [I; C] invertible: any k fragments rebuild the block.
    /// </summary>
    public static byte[] Cauchy(int dataCount, int parityCount)
    {
        _ = new ErasureScheme(dataCount, parityCount);
        var matrix = new byte[parityCount * dataCount];
        for (var i = 0; i < parityCount; i++)
        {
            for (var j = 0; j < dataCount; j++)
            {
                matrix[(i * dataCount) + j] = GaloisField.Inverse((byte)((dataCount + i) ^ j));
            }
        }

        return matrix;
    }

    /// <summary>The product of an r x n matrix and an n x c matrix, as an r x c matrix.</summary>
    public static byte[] Multiply(ReadOnlySpan<byte> left, int rows, ReadOnlySpan<byte> right, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        var inner = left.Length / rows;
        if (left.Length != rows * inner || right.Length != inner * columns)
        {
            throw new ArgumentException(
                $"Cannot multiply a {rows}-row matrix of {left.Length} elements by a {columns}-column one of {right.Length}.");
        }

        var product = new byte[rows * columns];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                byte sum = 0;
                for (var i = 0; i < inner; i++)
                {
                    sum ^= GaloisField.Mul(left[(r * inner) + i], right[(i * columns) + c]);
                }

                product[(r * columns) + c] = sum;
            }
        }

        return product;
    }

    /// <summary>Inverts an n x n matrix by Gauss-Jordan elimination.</summary>
    /// <exception cref="ArgumentException">The matrix is not n x n, or it is singular.</exception>
    public static byte[] Invert(ReadOnlySpan<byte> matrix, int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        if (matrix.Length != size * size)
        {
            throw new ArgumentException($"A {size}x{size} matrix needs {size * size} elements, not {matrix.Length}.", nameof(matrix));
        }

        var work = matrix.ToArray();
        var inverse = new byte[size * size];
        for (var i = 0; i < size; i++)
        {
            inverse[(i * size) + i] = 1;
        }

        for (var column = 0; column < size; column++)
        {
            var pivot = column;
            while (pivot < size && work[(pivot * size) + column] == 0)
            {
                pivot++;
            }

            if (pivot == size)
            {
                throw new ArgumentException(
                    $"The {size}x{size} matrix is singular (column {column} has no pivot), so it has no inverse.", nameof(matrix));
            }

            SwapRows(work, size, pivot, column);
            SwapRows(inverse, size, pivot, column);
            var scale = GaloisField.Inverse(work[(column * size) + column]);
            ScaleRow(work, size, column, scale);
            ScaleRow(inverse, size, column, scale);
            for (var row = 0; row < size; row++)
            {
                var factor = work[(row * size) + column];
                if (row != column && factor != 0)
                {
                    AddScaledRow(work, size, column, row, factor);
                    AddScaledRow(inverse, size, column, row, factor);
                }
            }
        }

        return inverse;
    }

    private static void SwapRows(byte[] matrix, int size, int a, int b)
    {
        if (a != b)
        {
            var rowA = matrix.AsSpan(a * size, size);
            var rowB = matrix.AsSpan(b * size, size);
            Span<byte> temp = stackalloc byte[size];
            rowA.CopyTo(temp);
            rowB.CopyTo(rowA);
            temp.CopyTo(rowB);
        }
    }

    private static void ScaleRow(byte[] matrix, int size, int row, byte scale)
    {
        var products = GaloisField.MulRow(scale);
        foreach (ref var element in matrix.AsSpan(row * size, size))
        {
            element = products[element];
        }
    }

    private static void AddScaledRow(byte[] matrix, int size, int source, int target, byte factor)
    {
        var products = GaloisField.MulRow(factor);
        var from = matrix.AsSpan(source * size, size);
        var to = matrix.AsSpan(target * size, size);
        for (var i = 0; i < size; i++)
        {
            to[i] ^= products[from[i]];
        }
    }
}

namespace BitDust.Engine.Coding;

/// <summary>The reference kernel: one byte at a time through the 64 KiB product table. Runs everywhere.</summary>
internal sealed unsafe class ScalarKernel : GfKernel
{
    public static readonly ScalarKernel Instance = new();

    private ScalarKernel()
    {
    }

    public override GfKernelKind Kind => GfKernelKind.Scalar;

    internal override int TableBytes => 0;

    private protected override bool IsSupported => true;

    /// <summary>Also finishes fragments too short for a vector kernel's first vector.</summary>
    public static void Multiply(ReadOnlySpan<byte> coefficients, int columns, byte** inputs, byte** outputs, int rows, int length)
    {
        for (var r = 0; r < rows; r++)
        {
            var output = new Span<byte>(outputs[r], length);
            var products = GaloisField.MulRow(coefficients[r * columns]);
            var input = new ReadOnlySpan<byte>(inputs[0], length);
            for (var i = 0; i < length; i++)
            {
                output[i] = products[input[i]];
            }

            for (var j = 1; j < columns; j++)
            {
                products = GaloisField.MulRow(coefficients[(r * columns) + j]);
                input = new ReadOnlySpan<byte>(inputs[j], length);
                for (var i = 0; i < length; i++)
                {
                    output[i] ^= products[input[i]];
                }
            }
        }
    }

    internal override void WriteTable(byte coefficient, byte* table)
    {
    }

    internal override void Run(CodingMatrix matrix, byte** inputs, byte** outputs, int length) =>
        Multiply(matrix.Coefficients, matrix.Columns, inputs, outputs, matrix.Rows, length);
}

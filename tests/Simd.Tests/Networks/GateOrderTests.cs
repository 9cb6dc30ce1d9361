using System;
using System.Linq;
using Xunit;

namespace Simd.Tests;

/// <summary>Gate-order conversion: each convention's blocks land where PyTorch expects them.</summary>
public sealed class GateOrderTests
{
    // Each source element encodes (gate letter index in the source convention, unit, column) so the expected
    // destination can be written from the conventions' documented orders alone.
    [Theory]
    [InlineData(GateConvention.OnnxLstm, "iofc", "ifco")]
    [InlineData(GateConvention.KerasLstm, "ifco", "ifco")]
    [InlineData(GateConvention.OnnxGru, "zrh", "rzh")]
    [InlineData(GateConvention.KerasGru, "zrh", "rzh")]
    public void Blocks_are_reordered_to_PyTorch(GateConvention from, string sourceOrder, string pytorchOrder)
    {
        const int H = 3, Columns = 5;
        int gates = sourceOrder.Length, rows = gates * H;
        var source = new double[rows * Columns];
        for (var r = 0; r < rows; r++)
        {
            for (var k = 0; k < Columns; k++)
            {
                source[(r * Columns) + k] = Code(sourceOrder[r / H], r % H, k);
            }
        }

        var destination = new double[source.Length];
        GateOrder.ToPyTorch<double>(source, destination, from, H, Columns);
        for (var r = 0; r < rows; r++)
        {
            for (var k = 0; k < Columns; k++)
            {
                Assert.Equal(Code(pytorchOrder[r / H], r % H, k), destination[(r * Columns) + k]);
            }
        }

        // Keras kernels are [columns, g·H]: the transposed source must give the same result.
        var transposed = new double[source.Length];
        for (var r = 0; r < rows; r++)
        {
            for (var k = 0; k < Columns; k++)
            {
                transposed[(k * rows) + r] = source[(r * Columns) + k];
            }
        }

        var fromTransposed = new double[source.Length];
        GateOrder.ToPyTorch<double>(transposed, fromTransposed, from, H, Columns, sourceIsTransposed: true);
        Assert.Equal(destination, fromTransposed);
    }

    [Fact]
    public void Wrong_lengths_throw_naming_the_argument()
    {
        var error = Assert.Throws<ArgumentException>(() => GateOrder.ToPyTorch<float>(new float[11], new float[12], GateConvention.OnnxLstm, 3, 1));
        Assert.Equal("source", error.ParamName);
        Assert.Contains("12", error.Message, StringComparison.Ordinal);
    }

    private static double Code(char gate, int unit, int column) => ("ifcorzh".IndexOf(gate, StringComparison.Ordinal) * 10000) + (unit * 100) + column;
}

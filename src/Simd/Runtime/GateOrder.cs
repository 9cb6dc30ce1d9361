using System;

namespace Simd;

/// <summary>How a framework orders the gate blocks of a recurrent layer's weight matrices and biases.</summary>
public enum GateConvention
{
    /// <summary>PyTorch and Simd LSTM: i, f, g, o.</summary>
    PyTorchLstm = 0,

    /// <summary>ONNX LSTM: i, o, f, c (c is PyTorch's g).</summary>
    OnnxLstm = 1,

    /// <summary>Keras LSTM: i, f, c, o.</summary>
    KerasLstm = 2,

    /// <summary>PyTorch and Simd GRU: r, z, n.</summary>
    PyTorchGru = 3,

    /// <summary>ONNX GRU: z, r, h (h is PyTorch's n).</summary>
    OnnxGru = 4,

    /// <summary>Keras GRU: z, r, h.</summary>
    KerasGru = 5,
}

/// <summary>
/// Converts weight matrices and biases between frameworks' gate orders, so ONNX and Keras tensors can be imported with
/// a cell's <c>ImportPyTorch</c>. A tensor is g blocks of <c>hiddenSize</c> rows (g = 4 for an LSTM, 3 for a GRU), each
/// row <c>columns</c> long (1 for a bias). Keras stores kernels transposed, [columns, g·H]; say so with
/// <c>sourceIsTransposed</c>.
/// </summary>
public static class GateOrder
{
    /// <summary>Rewrites <paramref name="source"/>, in the <paramref name="from"/> order, as a PyTorch-ordered [g·H, columns] tensor.</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="source">g·H·columns values, [g·H, columns] (or [columns, g·H] when <paramref name="sourceIsTransposed"/>).</param>
    /// <param name="destination">Receives g·H·columns values in PyTorch's order and orientation; must not overlap the source.</param>
    /// <param name="from">The source's convention; its cell kind decides g.</param>
    /// <param name="hiddenSize">H.</param>
    /// <param name="columns">Row length: the input size for input weights, H for recurrent weights, 1 for biases.</param>
    /// <param name="sourceIsTransposed">Whether <paramref name="source"/> is [columns, g·H] (Keras kernels).</param>
    /// <exception cref="ArgumentException">A span has the wrong length or a size is not positive.</exception>
    public static void ToPyTorch<T>(ReadOnlySpan<T> source, Span<T> destination, GateConvention from, int hiddenSize, int columns, bool sourceIsTransposed = false)
    {
        var order = SourceBlocks(from);
        Guard.Count(hiddenSize, int.MaxValue, nameof(hiddenSize));
        Guard.Count(columns, int.MaxValue, nameof(columns));
        var length = (long)order.Length * hiddenSize * columns;
        Guard.Length(source.Length, length, nameof(source), "gates × hiddenSize × columns = {0} × {1} × {2}", order.Length, hiddenSize, columns);
        Guard.Length(destination.Length, length, nameof(destination), "gates × hiddenSize × columns = {0} × {1} × {2}", order.Length, hiddenSize, columns);
        var rows = order.Length * hiddenSize;
        for (var block = 0; block < order.Length; block++)
        {
            for (var unit = 0; unit < hiddenSize; unit++)
            {
                var sourceRow = (order[block] * hiddenSize) + unit;
                var row = destination.Slice(((block * hiddenSize) + unit) * columns, columns);
                if (!sourceIsTransposed)
                {
                    source.Slice(sourceRow * columns, columns).CopyTo(row);
                    continue;
                }

                for (var k = 0; k < columns; k++)
                {
                    row[k] = source[(k * rows) + sourceRow];
                }
            }
        }
    }

    /// <summary>For each PyTorch gate block, the block of the <paramref name="from"/> convention that holds it.</summary>
    private static int[] SourceBlocks(GateConvention from) => from switch
    {
        GateConvention.PyTorchLstm or GateConvention.KerasLstm => [0, 1, 2, 3],
        GateConvention.OnnxLstm => [0, 2, 3, 1],
        GateConvention.PyTorchGru => [0, 1, 2],
        GateConvention.OnnxGru or GateConvention.KerasGru => [1, 0, 2],
        _ => throw new ArgumentOutOfRangeException(nameof(from), from, "Unknown gate convention."),
    };
}

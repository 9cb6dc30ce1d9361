using System;
using System.Collections.Generic;

namespace Simd.GradCheck;

/// <summary>One named parameter tensor of a model: its PyTorch shape and where each row-major element lives in <c>Parameters</c>.</summary>
/// <param name="Name">PyTorch's name, for example <c>weight_hh_l0</c> or <c>in_proj_weight</c>.</param>
/// <param name="Shape">PyTorch's row-major shape.</param>
/// <param name="StorageIndices">For each row-major element, its index in the model's <c>Parameters</c> (and in parameter-gradient spans).</param>
public sealed record ParameterTensor(string Name, IReadOnlyList<int> Shape, IReadOnlyList<int> StorageIndices);

/// <summary>
/// Finds the PyTorch tensors of Simd's double models inside their SIMD parameter layouts, by exporting a probe: the
/// parameters are set to their own indices, each tensor is exported, and the exported values are the indices.
/// The parameters are restored bit for bit afterwards.
/// </summary>
public static class ParameterTensors
{
    /// <summary>The tensors of a recurrent cell: <c>weight_ih_l0</c>, <c>weight_hh_l0</c>, <c>bias_ih_l0</c>, <c>bias_hh_l0</c> (and <c>weight_hr_l0</c> when projected).</summary>
    /// <param name="cell">An LSTM, GRU or RNN cell in double.</param>
    /// <returns>The tensors in PyTorch's <c>named_parameters()</c> order.</returns>
    public static IReadOnlyList<ParameterTensor> Of(IRecurrentCell<double> cell)
    {
        ArgumentNullException.ThrowIfNull(cell);
        int inputs = cell.InputSize, hidden = cell.HiddenSize, outputs = cell.OutputSize;
        if (cell is IProjectedLstmCell<double> projected)
        {
            var rows = 4 * hidden;
            var weightIh = new double[rows * inputs];
            var weightHh = new double[rows * outputs];
            var biasIh = new double[rows];
            var biasHh = new double[rows];
            var weightHr = new double[outputs * hidden];
            Probe(cell.Parameters, () => projected.ExportPyTorch(weightIh, weightHh, biasIh, biasHh, weightHr));
            return
            [
                Tensor("weight_ih_l0", [rows, inputs], weightIh),
                Tensor("weight_hh_l0", [rows, outputs], weightHh),
                Tensor("bias_ih_l0", [rows], biasIh),
                Tensor("bias_hh_l0", [rows], biasHh),
                Tensor("weight_hr_l0", [outputs, hidden], weightHr),
            ];
        }
        else
        {
            // ParameterCount = gH·I + gH·H + 2·gH for g gates (4 LSTM, 3 GRU, 1 RNN).
            var rows = cell.ParameterCount / (inputs + hidden + 2);
            var weightIh = new double[rows * inputs];
            var weightHh = new double[rows * hidden];
            var biasIh = new double[rows];
            var biasHh = new double[rows];
            Probe(cell.Parameters, () => cell.ExportPyTorch(weightIh, weightHh, biasIh, biasHh));
            return
            [
                Tensor("weight_ih_l0", [rows, inputs], weightIh),
                Tensor("weight_hh_l0", [rows, hidden], weightHh),
                Tensor("bias_ih_l0", [rows], biasIh),
                Tensor("bias_hh_l0", [rows], biasHh),
            ];
        }
    }

    /// <summary>The tensors of a layered network, named as in <see cref="IRecurrentNetwork{T}.PyTorchParameterNames"/> (<c>weight_ih_l1_reverse</c>, …).</summary>
    /// <param name="network">A layered LSTM, GRU or RNN network in double.</param>
    /// <returns>The tensors in PyTorch's <c>named_parameters()</c> order.</returns>
    public static IReadOnlyList<ParameterTensor> Of(IRecurrentNetwork<double> network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var names = network.PyTorchParameterNames;
        var exported = new double[names.Count][];
        for (var n = 0; n < names.Count; n++)
        {
            exported[n] = new double[network.PyTorchParameterLength(names[n])];
        }

        Probe(network.Parameters, () =>
        {
            for (var n = 0; n < names.Count; n++)
            {
                network.ExportPyTorch(names[n], exported[n]);
            }
        });

        // Gate rows per tensor: bias_ih_l0 is [gH].
        var rows = network.PyTorchParameterLength("bias_ih_l0");
        var tensors = new ParameterTensor[names.Count];
        for (var n = 0; n < names.Count; n++)
        {
            var name = names[n];
            var length = exported[n].Length;
            int[] shape = name.StartsWith("weight_hr", StringComparison.Ordinal) ? [network.StateSize, network.HiddenSize]
                : name.StartsWith("weight_", StringComparison.Ordinal) ? [rows, length / rows]
                : [length];
            tensors[n] = Tensor(name, shape, exported[n]);
        }

        return tensors;
    }

    /// <summary>The tensors of an attention cell, named as in <see cref="IAttentionCell{T}.ParameterNames"/>, with PyTorch's shapes.</summary>
    /// <param name="cell">A single-head or multi-head attention cell in double.</param>
    /// <returns>The tensors in <see cref="IAttentionCell{T}.ParameterNames"/> order.</returns>
    public static IReadOnlyList<ParameterTensor> Of(IAttentionCell<double> cell)
    {
        ArgumentNullException.ThrowIfNull(cell);
        var names = cell.ParameterNames;
        var exported = new double[names.Count][];
        for (var n = 0; n < names.Count; n++)
        {
            exported[n] = new double[cell.ParameterLength(names[n])];
        }

        Probe(cell.Parameters, () =>
        {
            for (var n = 0; n < names.Count; n++)
            {
                cell.ExportParameter(names[n], exported[n]);
            }
        });

        var tensors = new ParameterTensor[names.Count];
        for (var n = 0; n < names.Count; n++)
        {
            var length = exported[n].Length;
            int[] shape = (cell, names[n]) switch
            {
                (ISingleHeadAttention<double> s, "query_weight") => [s.AttentionSize, s.QuerySize],
                (ISingleHeadAttention<double> s, "key_weight") => [s.AttentionSize, s.KeySize],
                (ISingleHeadAttention<double> s, "weight") => [s.QuerySize, s.KeySize],
                (IMultiHeadAttention<double> m, "in_proj_weight") => [3 * m.ModelSize, m.ModelSize],
                (IMultiHeadAttention<double> m, "out_proj.weight") => [m.ModelSize, m.ModelSize],
                _ => [length],
            };
            tensors[n] = Tensor(names[n], ShapeLength(shape) == length ? shape : [length], exported[n]);
        }

        return tensors;
    }

    /// <summary>Adds every parameter tensor of <paramref name="cell"/> as a segment, named by PyTorch and indexed in PyTorch's shape.</summary>
    /// <param name="check">The check to add to.</param>
    /// <param name="cell">The cell whose <c>Parameters</c> the loss reads.</param>
    /// <param name="gradients">dL/dParameters in the cell's layout (what Backward accumulates), ParameterCount long.</param>
    /// <param name="prefix">Put in front of each name, to tell the parts of a composed model apart (for example <c>"encoder."</c>).</param>
    /// <returns>The check, for chaining.</returns>
    public static GradientCheck AddParameters(this GradientCheck check, IRecurrentCell<double> cell, ReadOnlyMemory<double> gradients, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(cell);
        return AddAll(check, Of(cell), () => cell.Parameters, gradients, prefix);
    }

    /// <summary>Adds every parameter tensor of a layered network as a segment, named by PyTorch.</summary>
    /// <param name="check">The check to add to.</param>
    /// <param name="network">The network whose <c>Parameters</c> the loss reads.</param>
    /// <param name="gradients">dL/dParameters in the network's layout, ParameterCount long.</param>
    /// <param name="prefix">Put in front of each name.</param>
    /// <returns>The check, for chaining.</returns>
    public static GradientCheck AddParameters(this GradientCheck check, IRecurrentNetwork<double> network, ReadOnlyMemory<double> gradients, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(network);
        return AddAll(check, Of(network), () => network.Parameters, gradients, prefix);
    }

    /// <summary>Adds every parameter tensor of an attention cell as a segment, named as in its <c>ParameterNames</c>.</summary>
    /// <param name="check">The check to add to.</param>
    /// <param name="cell">The cell whose <c>Parameters</c> the loss reads.</param>
    /// <param name="gradients">dL/dParameters in the cell's layout, ParameterCount long.</param>
    /// <param name="prefix">Put in front of each name.</param>
    /// <returns>The check, for chaining.</returns>
    public static GradientCheck AddParameters(this GradientCheck check, IAttentionCell<double> cell, ReadOnlyMemory<double> gradients, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(cell);
        return AddAll(check, Of(cell), () => cell.Parameters, gradients, prefix);
    }

    private static GradientCheck AddAll(GradientCheck check, IReadOnlyList<ParameterTensor> tensors, SegmentStorage parameters, ReadOnlyMemory<double> gradients, string prefix)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(prefix);
        Guard.Length(gradients.Length, parameters().Length, nameof(gradients), "ParameterCount");
        foreach (var tensor in tensors)
        {
            check.Add(prefix + tensor.Name, parameters, gradients, [.. tensor.StorageIndices], [.. tensor.Shape]);
        }

        return check;
    }

    private static ParameterTensor Tensor(string name, int[] shape, double[] exportedIndices)
    {
        var indices = new int[exportedIndices.Length];
        for (var i = 0; i < indices.Length; i++)
        {
            indices[i] = (int)exportedIndices[i];
        }

        return new ParameterTensor(name, shape, indices);
    }

    private static long ShapeLength(int[] shape)
    {
        long product = 1;
        foreach (var dimension in shape)
        {
            product *= dimension;
        }

        return product;
    }

    /// <summary>Sets every parameter to its index, runs the exports, and restores the parameters exactly.</summary>
    private static void Probe(Span<double> parameters, Action export)
    {
        var saved = parameters.ToArray();
        try
        {
            for (var i = 0; i < parameters.Length; i++)
            {
                parameters[i] = i;
            }

            export();
        }
        finally
        {
            saved.CopyTo(parameters);
        }
    }
}

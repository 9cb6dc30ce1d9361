using System;
using System.Collections.Generic;

namespace Simd.Interop;

/// <summary>
/// A module whose parameters are PyTorch tensors addressed by name, as in a <c>state_dict</c>: what
/// <see cref="PyTorchStateDict"/> loads and saves. <see cref="PyTorchModule"/> adapts every Simd cell, network and
/// attention cell; implement it for your own layers to load them in the same call.
/// </summary>
/// <typeparam name="T">Element type: float or double.</typeparam>
public interface IPyTorchModule<T>
    where T : unmanaged
{
    /// <summary>The tensor names, without any prefix, in PyTorch's <c>named_parameters()</c> order.</summary>
    IReadOnlyList<string> PyTorchParameterNames { get; }

    /// <summary>The PyTorch shape of the tensor called <paramref name="name"/>.</summary>
    /// <param name="name">One of <see cref="PyTorchParameterNames"/>.</param>
    /// <returns>Its dimensions.</returns>
    IReadOnlyList<int> PyTorchShape(string name);

    /// <summary>Loads one tensor, row-major.</summary>
    /// <param name="name">One of <see cref="PyTorchParameterNames"/>.</param>
    /// <param name="tensor">Its values; the product of its shape long.</param>
    void ImportPyTorch(string name, ReadOnlySpan<T> tensor);

    /// <summary>Writes one tensor, row-major.</summary>
    /// <param name="name">One of <see cref="PyTorchParameterNames"/>.</param>
    /// <param name="tensor">Receives its values; the product of its shape long.</param>
    void ExportPyTorch(string name, Span<T> tensor);
}

/// <summary>Adapters from Simd's cells to <see cref="IPyTorchModule{T}"/>.</summary>
public static class PyTorchModule
{
    /// <summary>
    /// A layered network (<c>nn.LSTM</c>, <c>nn.GRU</c>, <c>nn.RNN</c> with any <c>num_layers</c> and
    /// <c>bidirectional</c>): <c>weight_ih_l{k}</c> [gH, in], <c>weight_hh_l{k}</c> [gH, S], <c>bias_ih_l{k}</c>,
    /// <c>bias_hh_l{k}</c> [gH], <c>weight_hr_l{k}</c> [P, H] and their <c>_reverse</c> twins.
    /// </summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="network">The network.</param>
    /// <returns>The adapter.</returns>
    public static IPyTorchModule<T> Of<T>(IRecurrentNetwork<T> network)
        where T : unmanaged
        => new NetworkModule<T>(network ?? throw new ArgumentNullException(nameof(network)));

    /// <summary>
    /// A single-layer cell, named as PyTorch's one-layer <c>nn.LSTM</c>/<c>nn.GRU</c>/<c>nn.RNN</c>:
    /// <c>weight_ih_l0</c>, <c>weight_hh_l0</c>, <c>bias_ih_l0</c>, <c>bias_hh_l0</c> (and <c>weight_hr_l0</c> for a
    /// projected LSTM).
    /// </summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="cell">The cell.</param>
    /// <returns>The adapter.</returns>
    public static IPyTorchModule<T> Of<T>(IRecurrentCell<T> cell)
        where T : unmanaged
        => new CellModule<T>(cell ?? throw new ArgumentNullException(nameof(cell)));

    /// <summary>
    /// An attention cell, with its own tensor names (<see cref="IAttentionCell{T}.ParameterNames"/>): multi-head
    /// attention uses <c>nn.MultiheadAttention</c>'s <c>in_proj_weight</c> [3E, E], <c>in_proj_bias</c> [3E],
    /// <c>out_proj.weight</c> [E, E] and <c>out_proj.bias</c> [E].
    /// </summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="attention">The attention cell.</param>
    /// <returns>The adapter.</returns>
    public static IPyTorchModule<T> Of<T>(IAttentionCell<T> attention)
        where T : unmanaged
        => new AttentionModule<T>(attention ?? throw new ArgumentNullException(nameof(attention)));

    /// <summary>A dense layer (<c>nn.Linear</c>): <c>weight</c> [OutputSize, InputSize] and <c>bias</c> [OutputSize].</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="layer">The layer.</param>
    /// <returns>The adapter.</returns>
    public static IPyTorchModule<T> Of<T>(IDenseLayer<T> layer)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(layer);
        return new LayerModule<T>(layer.PyTorchParameterNames, name => name == "weight" ? new[] { layer.OutputSize, layer.InputSize } : new[] { layer.OutputSize }, layer.ImportPyTorch, layer.ExportPyTorch);
    }

    /// <summary>An embedding table (<c>nn.Embedding</c>): <c>weight</c> [VocabularySize, Dimension].</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="layer">The layer.</param>
    /// <returns>The adapter.</returns>
    public static IPyTorchModule<T> Of<T>(IEmbeddingLayer<T> layer)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(layer);
        return new LayerModule<T>(layer.PyTorchParameterNames, _ => new[] { layer.VocabularySize, layer.Dimension }, layer.ImportPyTorch, layer.ExportPyTorch);
    }

    private static ArgumentException UnknownName(string name, IReadOnlyList<string> names)
        => new($"'{name}' is not a tensor of this module; its tensors are {string.Join(", ", names)}.", nameof(name));

    /// <summary>Layers that already import and export by name: only their shapes are added.</summary>
    private sealed class LayerModule<T>(IReadOnlyList<string> names, Func<string, int[]> shape, ImportTensor<T> import, ExportTensor<T> export) : IPyTorchModule<T>
        where T : unmanaged
    {
        public IReadOnlyList<string> PyTorchParameterNames => names;

        public IReadOnlyList<int> PyTorchShape(string name) => Contains(names, name) ? shape(name) : throw UnknownName(name, names);

        public void ImportPyTorch(string name, ReadOnlySpan<T> tensor) => import(name, tensor);

        public void ExportPyTorch(string name, Span<T> tensor) => export(name, tensor);
    }

    private delegate void ImportTensor<T>(string name, ReadOnlySpan<T> tensor);

    private delegate void ExportTensor<T>(string name, Span<T> tensor);

    private sealed class NetworkModule<T>(IRecurrentNetwork<T> network) : IPyTorchModule<T>
        where T : unmanaged
    {
        public IReadOnlyList<string> PyTorchParameterNames => network.PyTorchParameterNames;

        public IReadOnlyList<int> PyTorchShape(string name)
        {
            if (!Contains(network.PyTorchParameterNames, name))
            {
                throw UnknownName(name, network.PyTorchParameterNames);
            }

            int length = network.PyTorchParameterLength(name);
            int gateRows = network.PyTorchParameterLength("bias_ih_l0");
            if (name.StartsWith("weight_hr", StringComparison.Ordinal))
            {
                return new[] { network.StateSize, network.HiddenSize };
            }

            return name.StartsWith("weight_", StringComparison.Ordinal) ? new[] { gateRows, length / gateRows } : new[] { length };
        }

        public void ImportPyTorch(string name, ReadOnlySpan<T> tensor) => network.ImportPyTorch(name, tensor);

        public void ExportPyTorch(string name, Span<T> tensor) => network.ExportPyTorch(name, tensor);
    }

    private sealed class CellModule<T> : IPyTorchModule<T>
        where T : unmanaged
    {
        private readonly IRecurrentCell<T> _cell;
        private readonly IProjectedLstmCell<T>? _projected;
        private readonly string[] _names;
        private readonly int[][] _shapes;

        public CellModule(IRecurrentCell<T> cell)
        {
            _cell = cell;
            _projected = cell as IProjectedLstmCell<T>;
            int inputs = cell.InputSize, hidden = cell.HiddenSize, state = cell.OutputSize;
            int projection = _projected is null ? 0 : state * hidden;

            // ParameterCount = gH·(I + S) + 2gH (+ P·H): the gate count g is the only unknown.
            int gateRows = (cell.ParameterCount - projection) / (inputs + state + 2);
            _names = _projected is null
                ? new[] { "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0" }
                : new[] { "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_hr_l0" };
            _shapes = new[] { new[] { gateRows, inputs }, new[] { gateRows, state }, new[] { gateRows }, new[] { gateRows }, new[] { state, hidden } };
        }

        public IReadOnlyList<string> PyTorchParameterNames => _names;

        public IReadOnlyList<int> PyTorchShape(string name) => _shapes[IndexOf(name)];

        public void ImportPyTorch(string name, ReadOnlySpan<T> tensor)
        {
            int index = IndexOf(name);
            var tensors = ExportAll();
            Guard.Length(tensor.Length, tensors[index].Length, nameof(tensor), "the element count of '" + name + "'");
            tensor.CopyTo(tensors[index]);
            if (_projected is null)
            {
                _cell.ImportPyTorch(tensors[0], tensors[1], tensors[2], tensors[3]);
            }
            else
            {
                _projected.ImportPyTorch(tensors[0], tensors[1], tensors[2], tensors[3], tensors[4]);
            }
        }

        public void ExportPyTorch(string name, Span<T> tensor)
        {
            int index = IndexOf(name);
            var tensors = ExportAll();
            Guard.Length(tensor.Length, tensors[index].Length, nameof(tensor), "the element count of '" + name + "'");
            tensors[index].CopyTo(tensor);
        }

        private T[][] ExportAll()
        {
            var tensors = new T[_names.Length][];
            for (int i = 0; i < tensors.Length; i++)
            {
                tensors[i] = new T[_shapes[i][0] * (_shapes[i].Length > 1 ? _shapes[i][1] : 1)];
            }

            if (_projected is null)
            {
                _cell.ExportPyTorch(tensors[0], tensors[1], tensors[2], tensors[3]);
            }
            else
            {
                _projected.ExportPyTorch(tensors[0], tensors[1], tensors[2], tensors[3], tensors[4]);
            }

            return tensors;
        }

        private int IndexOf(string name)
        {
            int index = Array.IndexOf(_names, name);
            return index >= 0 ? index : throw UnknownName(name, _names);
        }
    }

    private sealed class AttentionModule<T>(IAttentionCell<T> attention) : IPyTorchModule<T>
        where T : unmanaged
    {
        public IReadOnlyList<string> PyTorchParameterNames => attention.ParameterNames;

        public IReadOnlyList<int> PyTorchShape(string name)
        {
            if (!Contains(attention.ParameterNames, name))
            {
                throw UnknownName(name, attention.ParameterNames);
            }

            int length = attention.ParameterLength(name);
            int[]? shape = attention switch
            {
                IMultiHeadAttention<T> m => name switch
                {
                    "in_proj_weight" => new[] { 3 * m.ModelSize, m.ModelSize },
                    "out_proj.weight" => new[] { m.ModelSize, m.ModelSize },
                    _ => null,
                },
                ISingleHeadAttention<T> s => name switch
                {
                    "query_weight" => new[] { s.AttentionSize, s.QuerySize },
                    "key_weight" => new[] { s.AttentionSize, s.KeySize },
                    "weight" => new[] { s.QuerySize, s.KeySize },
                    _ => null,
                },
                _ => null,
            };

            // Vectors, and any tensor whose documented shape does not account for its length, are one-dimensional.
            return shape is not null && shape[0] * shape[1] == length ? shape : new[] { length };
        }

        public void ImportPyTorch(string name, ReadOnlySpan<T> tensor) => attention.ImportParameter(name, tensor);

        public void ExportPyTorch(string name, Span<T> tensor) => attention.ExportParameter(name, tensor);
    }

    private static bool Contains(IReadOnlyList<string> names, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        for (int i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
            {
                return true;
            }
        }

        return false;
    }
}

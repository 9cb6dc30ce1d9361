using System;
using System.Collections.Generic;
using System.Linq;

namespace Simd.Interop;

/// <summary>
/// What <see cref="OnnxImport"/> needs to know about the target that <see cref="IRecurrentCell{T}"/> does not say, and
/// the non-finite policy.
/// </summary>
public sealed class OnnxImportOptions
{
    /// <summary>
    /// The target GRU's variant: required when importing GRU nodes, and checked against their
    /// <c>linear_before_reset</c> (1 = <see cref="GruReset.AfterRecurrentProduct"/>, 0 = <see cref="GruReset.BeforeRecurrentProduct"/>).
    /// </summary>
    public GruReset? GruReset { get; init; }

    /// <summary>The target RNN's nonlinearity: required when importing RNN nodes, and checked against their <c>activations</c>.</summary>
    public RnnNonlinearity? RnnNonlinearity { get; init; }

    /// <summary>Index in <see cref="OnnxModel.RecurrentNodes"/> of the node that becomes layer 0 (default 0).</summary>
    public int FirstNode { get; init; }

    /// <summary>What NaN and infinite weights do (default <see cref="NonFiniteWeights.Reject"/>).</summary>
    public NonFiniteWeights NonFinite { get; init; } = NonFiniteWeights.Reject;

    /// <summary>Receives the warnings of <see cref="NonFiniteWeights.Warn"/>.</summary>
    public Action<string>? Warning { get; init; }
}

/// <summary>
/// Loads the weights of ONNX <c>LSTM</c>, <c>GRU</c> and <c>RNN</c> nodes into Simd cells: W [D, gH, I] and R [D, gH, H]
/// with their gate blocks reordered from ONNX's (LSTM i, o, f, c; GRU z, r, h) to PyTorch's, B [D, 2gH] split into
/// <c>bias_ih</c> and <c>bias_hh</c> (zero when omitted), direction 1 of a bidirectional node into the <c>_reverse</c>
/// tensors, and consecutive recurrent nodes into consecutive layers. Everything is checked before any parameter
/// changes; a mismatch (operator, hidden size, direction, GRU variant, activations, peepholes, clip) is a
/// <see cref="WeightFileException"/>.
/// </summary>
public static class OnnxImport
{
    /// <summary>Loads a layered network from <see cref="IRecurrentNetwork{T}.Layers"/> consecutive recurrent nodes.</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="model">The parsed model.</param>
    /// <param name="network">The target.</param>
    /// <param name="options">The target's GRU or RNN variant and the non-finite policy.</param>
    public static void Load<T>(OnnxModel model, IRecurrentNetwork<T> network, OnnxImportOptions? options = null)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(network);
        if (network.StateSize != network.HiddenSize)
        {
            throw new WeightFileException(WeightFileError.UnsupportedModel, "ONNX's LSTM has no projection (proj_size); the target network has one.");
        }

        Load(model, PyTorchModule.Of(network), network.Layers, network.Directions, network.HiddenSize, "_l{0}", options);
    }

    /// <summary>Loads a single-layer, unidirectional cell from one recurrent node.</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="model">The parsed model.</param>
    /// <param name="cell">The target.</param>
    /// <param name="options">The target's GRU or RNN variant and the non-finite policy.</param>
    public static void Load<T>(OnnxModel model, IRecurrentCell<T> cell, OnnxImportOptions? options = null)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(cell);
        if (cell is IProjectedLstmCell<T>)
        {
            throw new WeightFileException(WeightFileError.UnsupportedModel, "ONNX's LSTM has no projection (proj_size); the target cell has one.");
        }

        Load(model, PyTorchModule.Of(cell), 1, 1, cell.HiddenSize, "_l{0}", options);
    }

    private static void Load<T>(OnnxModel model, IPyTorchModule<T> module, int layers, int directions, int hidden, string layerSuffix, OnnxImportOptions? options)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new OnnxImportOptions();
        int gateRows = module.PyTorchShape("bias_ih_l0")[0];
        int gates = gateRows / hidden;
        string op = gates switch { 4 => "LSTM", 3 => "GRU", _ => "RNN" };
        if (options.FirstNode < 0 || options.FirstNode + layers > model.RecurrentNodes.Count)
        {
            throw new WeightFileException(WeightFileError.MissingTensor, $"The target needs {layers} recurrent node(s) from index {options.FirstNode}; the model has {model.RecurrentNodes.Count}.");
        }

        var source = new MappedSource(options.NonFinite, options.Warning);
        for (int layer = 0; layer < layers; layer++)
        {
            var node = model.RecurrentNodes[options.FirstNode + layer];
            string label = $"{node.OpType} node '{node.Name}' (layer {layer})";
            CheckNode(node, label, op, hidden, directions, options);
            string suffix = string.Format(System.Globalization.CultureInfo.InvariantCulture, layerSuffix, layer);
            int inputs = module.PyTorchShape("weight_ih" + suffix)[1];
            var w = Tensor(model, node, 1, "W", label, directions, gateRows, inputs);
            var r = Tensor(model, node, 2, "R", label, directions, gateRows, hidden);
            var b = node.Inputs.Count > 3 && node.Inputs[3].Length > 0 ? Tensor(model, node, 3, "B", label, directions, 2 * gateRows, 1) : new double[directions * 2 * gateRows];
            var convention = gates switch { 4 => GateConvention.OnnxLstm, 3 => GateConvention.OnnxGru, _ => (GateConvention?)null };
            for (int d = 0; d < directions; d++)
            {
                string name = suffix + (d == 1 ? "_reverse" : string.Empty);
                source.Add("weight_ih" + name, new long[] { gateRows, inputs }, Reorder(w.AsSpan(d * gateRows * inputs, gateRows * inputs), convention, hidden, inputs));
                source.Add("weight_hh" + name, new long[] { gateRows, hidden }, Reorder(r.AsSpan(d * gateRows * hidden, gateRows * hidden), convention, hidden, hidden));
                source.Add("bias_ih" + name, new long[] { gateRows }, Reorder(b.AsSpan(d * 2 * gateRows, gateRows), convention, hidden, 1));
                source.Add("bias_hh" + name, new long[] { gateRows }, Reorder(b.AsSpan((d * 2 * gateRows) + gateRows, gateRows), convention, hidden, 1));
            }
        }

        PyTorchStateDict.Load(source, new[] { (string.Empty, module) }, PyTorchLoadOptions.Default);
    }

    private static void CheckNode(OnnxRecurrentNode node, string label, string op, int hidden, int directions, OnnxImportOptions options)
    {
        if (node.OpType != op)
        {
            throw Unsupported(label, $"is {node.OpType}; the target is an {op}.");
        }

        if (node.HiddenSize != 0 && node.HiddenSize != hidden)
        {
            throw Unsupported(label, $"has hidden_size {node.HiddenSize}; the target has {hidden}.");
        }

        string direction = directions == 2 ? "bidirectional" : "forward";
        if (node.Direction != direction)
        {
            throw Unsupported(label, $"has direction '{node.Direction}'; the target needs '{direction}'" + (node.Direction == "reverse" ? " (a reverse-only layer has no Simd equivalent)." : "."));
        }

        if (node.UnsupportedAttributes.Count > 0)
        {
            throw Unsupported(label, $"uses {string.Join(", ", node.UnsupportedAttributes)}, which Simd's cells do not implement.");
        }

        if (node.OpType == "LSTM" && node.Inputs.Count > 7 && node.Inputs[7].Length > 0)
        {
            throw Unsupported(label, "has peephole weights (input P), which Simd's LSTM does not implement.");
        }

        string[] expected;
        switch (op)
        {
            case "GRU":
                var reset = options.GruReset ?? throw new ArgumentException("Importing a GRU needs OnnxImportOptions.GruReset: the target cell's variant (the class's ResetBeforeRecurrentProduct constant).", nameof(options));
                if (node.LinearBeforeReset != (reset == GruReset.AfterRecurrentProduct))
                {
                    throw Unsupported(label, $"has linear_before_reset={(node.LinearBeforeReset ? 1 : 0)}; the target is GruReset.{reset}. Generate the cell with Reset = GruReset.{(node.LinearBeforeReset ? GruReset.AfterRecurrentProduct : GruReset.BeforeRecurrentProduct)}.");
                }

                expected = new[] { "Sigmoid", "Tanh" };
                break;
            case "RNN":
                var nonlinearity = options.RnnNonlinearity ?? throw new ArgumentException("Importing an RNN needs OnnxImportOptions.RnnNonlinearity: the target cell's nonlinearity.", nameof(options));
                expected = new[] { nonlinearity == RnnNonlinearity.Relu ? "Relu" : "Tanh" };
                break;
            default:
                expected = new[] { "Sigmoid", "Tanh", "Tanh" };
                break;
        }

        var defaults = op == "RNN" ? new[] { "Tanh" } : expected;
        var actual = node.Activations.Count == 0 ? Enumerable.Repeat(defaults, directions).SelectMany(a => a).ToArray() : node.Activations.ToArray();
        var wanted = Enumerable.Repeat(expected, directions).SelectMany(a => a).ToArray();
        if (!actual.SequenceEqual(wanted, StringComparer.OrdinalIgnoreCase))
        {
            throw Unsupported(label, $"has activations [{string.Join(", ", actual)}]; the target computes [{string.Join(", ", wanted)}].");
        }
    }

    private static double[] Tensor(OnnxModel model, OnnxRecurrentNode node, int input, string role, string label, int directions, int rows, int columns)
    {
        string name = node.Inputs.Count > input ? node.Inputs[input] : string.Empty;
        if (name.Length == 0 || !model.TryGetTensor(name, out var tensor))
        {
            throw new WeightFileException(WeightFileError.MissingTensor, $"{label}: input {role} ('{name}') is not an initializer or Constant of the graph; expected shape [{directions}, {rows}{(role == "B" ? string.Empty : $", {columns}")}].", name);
        }

        long[] expected = role == "B" ? new long[] { directions, rows } : new long[] { directions, rows, columns };
        if (!tensor.Dims.SequenceEqual(expected))
        {
            throw new WeightFileException(WeightFileError.ShapeMismatch, $"{label}: {role} ('{name}') has shape {PyTorchStateDict.Format(tensor.Dims)}; expected {PyTorchStateDict.Format(expected)}.", name);
        }

        if (!tensor.Convertible)
        {
            throw new WeightFileException(WeightFileError.UnsupportedDType, $"{label}: {role} ('{name}') {PyTorchStateDict.Format(tensor.Dims)} is {OnnxTensor.TypeName(tensor.DataType)}; expected FLOAT, FLOAT16, BFLOAT16 or DOUBLE.", name);
        }

        var values = new double[tensor.ElementCount];
        tensor.Read<double>(values);
        return values;
    }

    private static double[] Reorder(ReadOnlySpan<double> source, GateConvention? convention, int hidden, int columns)
    {
        var destination = new double[source.Length];
        if (convention is { } c)
        {
            GateOrder.ToPyTorch(source, destination, c, hidden, columns);
        }
        else
        {
            source.CopyTo(destination);
        }

        return destination;
    }

    private static WeightFileException Unsupported(string label, string what) => new(WeightFileError.UnsupportedModel, $"{label} {what}");

    /// <summary>Tensors already in PyTorch's names and layouts, in double (exact for every ONNX float type).</summary>
    private sealed class MappedSource(NonFiniteWeights policy, Action<string>? warning) : ITensorSource
    {
        private readonly Dictionary<string, (long[] Shape, double[] Values)> _tensors = new(StringComparer.Ordinal);

        public IEnumerable<string> Names => _tensors.Keys;

        public void Add(string name, long[] shape, double[] values) => _tensors.Add(name, (shape, values));

        public bool TryDescribe(string name, out IReadOnlyList<long> shape, out string elementType, out bool convertible)
        {
            bool found = _tensors.TryGetValue(name, out var tensor);
            (shape, elementType, convertible) = (found ? tensor.Shape : Array.Empty<long>(), "F64", found);
            return found;
        }

        public void Read<T>(string name, Span<T> destination)
            where T : unmanaged
        {
            var values = _tensors[name].Values;
            if (typeof(T) == typeof(double))
            {
                values.CopyTo(System.Runtime.InteropServices.MemoryMarshal.Cast<T, double>(destination));
            }
            else
            {
                var floats = System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(destination);
                for (int i = 0; i < values.Length; i++)
                {
                    floats[i] = (float)values[i];
                }
            }

            NonFiniteCheck.Apply<T>(destination, name, policy, warning);
        }
    }
}

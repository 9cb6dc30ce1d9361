using System;
using System.Collections.Generic;
using System.Linq;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;

namespace Simd.Tests.Interop;

/// <summary>
/// A stack of ONNX LSTM, GRU or RNN nodes built in code with random weights in ONNX's own layout and gate order:
/// node k reads layer k − 1's output (Y [T, D, B, H] → Transpose → Reshape to [T, B, D·H]), takes its initial
/// states as graph inputs h0_k (and c0_k), and the last layer's reshaped output is the graph output Y.
/// </summary>
internal sealed class OnnxRecurrentModel
{
    public OnnxRecurrentModel(string op, int inputSize, int hidden, int layers, int directions, int steps, int batch, int seed, bool linearBeforeReset = true, bool relu = false, bool rawData = false)
    {
        (Op, InputSize, Hidden, Layers, Directions, Steps, Batch) = (op, inputSize, hidden, layers, directions, steps, batch);
        int gates = op switch { "LSTM" => 4, "GRU" => 3, _ => 1 };
        var random = new Random(seed);
        var graph = new GraphProto { Name = $"{op}_stack" };
        graph.Input.Add(Value("X", steps, batch, inputSize));
        string x = "X";
        int layerInput = inputSize;
        for (int k = 0; k < layers; k++)
        {
            // Weights of U(−0.6, 0.6) and unit-scale inputs keep the activations away from saturation, so a gate
            // permutation or transposition changes the outputs by far more than the tolerance.
            AddInitializer(graph, $"W{k}", Uniform(random, directions * gates * hidden * layerInput), rawData, directions, gates * hidden, layerInput);
            AddInitializer(graph, $"R{k}", Uniform(random, directions * gates * hidden * hidden), rawData, directions, gates * hidden, hidden);
            AddInitializer(graph, $"B{k}", Uniform(random, directions * 2 * gates * hidden), rawData, directions, 2 * gates * hidden);
            graph.Input.Add(Value($"h0_{k}", directions, batch, hidden));
            InitialHidden.Add(Uniform(random, directions * batch * hidden));
            var inputs = new List<string> { x, $"W{k}", $"R{k}", $"B{k}", string.Empty, $"h0_{k}" };
            if (op == "LSTM")
            {
                graph.Input.Add(Value($"c0_{k}", directions, batch, hidden));
                InitialCell.Add(Uniform(random, directions * batch * hidden));
                inputs.Add($"c0_{k}");
            }

            var node = new NodeProto { OpType = op, Name = $"{op.ToLowerInvariant()}_{k}" };
            node.Input.Add(inputs);
            node.Output.Add($"y{k}");
            node.Attribute.Add(new AttributeProto { Name = "hidden_size", Type = AttributeProto.Types.AttributeType.Int, I = hidden });
            node.Attribute.Add(new AttributeProto { Name = "direction", Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(directions == 2 ? "bidirectional" : "forward") });
            if (op == "GRU")
            {
                node.Attribute.Add(new AttributeProto { Name = "linear_before_reset", Type = AttributeProto.Types.AttributeType.Int, I = linearBeforeReset ? 1 : 0 });
            }

            if (relu)
            {
                var activations = new AttributeProto { Name = "activations", Type = AttributeProto.Types.AttributeType.Strings };
                activations.Strings.Add(Enumerable.Repeat(ByteString.CopyFromUtf8("Relu"), directions));
                node.Attribute.Add(activations);
            }

            graph.Node.Add(node);
            var transpose = new NodeProto { OpType = "Transpose", Name = $"transpose_{k}" };
            transpose.Input.Add($"y{k}");
            transpose.Output.Add($"t{k}");
            var perm = new AttributeProto { Name = "perm", Type = AttributeProto.Types.AttributeType.Ints };
            perm.Ints.Add(new long[] { 0, 2, 1, 3 });
            transpose.Attribute.Add(perm);
            graph.Node.Add(transpose);

            var shape = new TensorProto { Name = $"shape{k}", DataType = (int)TensorProto.Types.DataType.Int64 };
            shape.Dims.Add(3);
            shape.Int64Data.Add(new long[] { steps, batch, directions * hidden });
            graph.Initializer.Add(shape);
            string next = k == layers - 1 ? "Y" : $"x{k + 1}";
            var reshape = new NodeProto { OpType = "Reshape", Name = $"reshape_{k}" };
            reshape.Input.Add(new[] { $"t{k}", $"shape{k}" });
            reshape.Output.Add(next);
            graph.Node.Add(reshape);
            x = next;
            layerInput = directions * hidden;
        }

        graph.Output.Add(Value("Y", steps, batch, directions * hidden));
        var model = new ModelProto { IrVersion = 8, ProducerName = "Simd.Tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = 17 });
        Bytes = model.ToByteArray();
        Input = Uniform(random, steps * batch * inputSize, 1.0f);
    }

    public string Op { get; }
    public int InputSize { get; }
    public int Hidden { get; }
    public int Layers { get; }
    public int Directions { get; }
    public int Steps { get; }
    public int Batch { get; }
    public byte[] Bytes { get; }
    public float[] Input { get; }
    public List<float[]> InitialHidden { get; } = new();
    public List<float[]> InitialCell { get; } = new();

    /// <summary>h0 of every layer in PyTorch's [L·D, B, H] order (layer k's [D, B, H] block k).</summary>
    public float[] AllInitialHidden => InitialHidden.SelectMany(h => h).ToArray();

    public float[] AllInitialCell => InitialCell.SelectMany(c => c).ToArray();

    /// <summary>ONNX Runtime's Y [T, B, D·H].</summary>
    public float[] RunOnnxRuntime()
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(Bytes, options);
        var inputs = new List<NamedOnnxValue> { NamedOnnxValue.CreateFromTensor("X", new DenseTensor<float>(Input, new[] { Steps, Batch, InputSize })) };
        for (int k = 0; k < Layers; k++)
        {
            inputs.Add(NamedOnnxValue.CreateFromTensor($"h0_{k}", new DenseTensor<float>(InitialHidden[k], new[] { Directions, Batch, Hidden })));
            if (Op == "LSTM")
            {
                inputs.Add(NamedOnnxValue.CreateFromTensor($"c0_{k}", new DenseTensor<float>(InitialCell[k], new[] { Directions, Batch, Hidden })));
            }
        }

        using var results = session.Run(inputs);
        return results.First(r => r.Name == "Y").AsEnumerable<float>().ToArray();
    }

    private static float[] Uniform(Random random, int count, float scale = 0.6f)
        => Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2) - 1) * scale).ToArray();

    private static void AddInitializer(GraphProto graph, string name, float[] values, bool rawData, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.Add(dims);
        if (rawData)
        {
            var bytes = new byte[values.Length * 4];
            Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
            tensor.RawData = ByteString.CopyFrom(bytes);
        }
        else
        {
            tensor.FloatData.Add(values);
        }

        graph.Initializer.Add(tensor);
    }

    private static ValueInfoProto Value(string name, params long[] shape)
    {
        var tensorShape = new TensorShapeProto();
        foreach (long d in shape)
        {
            tensorShape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = tensorShape } },
        };
    }
}

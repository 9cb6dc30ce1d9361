using System;
using System.Linq;
using Google.Protobuf;
using Onnx;

namespace Simd.Benchmarks.Peers;

/// <summary>
/// Builds a small ONNX model in memory (fp32 tensors with fixed shapes, default domain, opset
/// <see cref="Opset"/>), so the peer benchmarks need no model files and use exactly the weights the Simd cells hold.
/// </summary>
internal sealed class OnnxGraph
{
    /// <summary>Default-domain opset of every model: LSTM-14, GRU-14, RNN-14, Softmax-13 and Split-13 (equal parts without a split input).</summary>
    public const long Opset = 17;

    private const int FloatType = (int)TensorProto.Types.DataType.Float;

    private readonly GraphProto _graph;

    /// <summary>Starts an empty graph.</summary>
    /// <param name="name">Graph name (shown in ONNX Runtime's messages).</param>
    public OnnxGraph(string name) => _graph = new GraphProto { Name = name };

    /// <summary>Declares a graph input (bound to a caller's buffer at run time).</summary>
    public void Input(string name, params long[] shape) => _graph.Input.Add(Value(name, shape));

    /// <summary>Declares a graph output.</summary>
    public void Output(string name, params long[] shape) => _graph.Output.Add(Value(name, shape));

    /// <summary>Adds a constant fp32 tensor (weights): ONNX Runtime may pre-pack it once at session creation.</summary>
    public void Constant(string name, ReadOnlySpan<float> values, params long[] shape)
    {
        if (values.Length != shape.Aggregate(1L, (a, b) => a * b))
        {
            throw new ArgumentException($"{name}: {values.Length} values for shape [{string.Join(", ", shape)}]");
        }

        var tensor = new TensorProto { Name = name, DataType = FloatType };
        tensor.Dims.Add(shape);
        tensor.FloatData.Add(values.ToArray());
        _graph.Initializer.Add(tensor);
    }

    /// <summary>Adds a constant int64 tensor (shapes for Reshape).</summary>
    public void Constant(string name, params long[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.Add(values);
        _graph.Initializer.Add(tensor);
    }

    /// <summary>Adds a node; an empty string leaves an optional input or output out.</summary>
    public void Node(string opType, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = $"{opType}_{_graph.Node.Count}" };
        node.Input.Add(inputs);
        node.Output.Add(outputs);
        node.Attribute.Add(attributes);
        _graph.Node.Add(node);
    }

    /// <summary>An integer attribute.</summary>
    public static AttributeProto Int(string name, long value)
        => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>A list-of-integers attribute.</summary>
    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.Add(values);
        return attribute;
    }

    /// <summary>A list-of-strings attribute (recurrent activations).</summary>
    public static AttributeProto Strings(string name, params string[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Strings };
        attribute.Strings.Add(values.Select(ByteString.CopyFromUtf8));
        return attribute;
    }

    /// <summary>The serialized model, ready for <c>new InferenceSession(bytes, options)</c>.</summary>
    public byte[] ToModel()
    {
        var model = new ModelProto { IrVersion = 8, ProducerName = "Simd.Benchmarks", Graph = _graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        return model.ToByteArray();
    }

    private static ValueInfoProto Value(string name, long[] shape)
    {
        var tensorShape = new TensorShapeProto();
        foreach (long d in shape)
        {
            tensorShape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = FloatType, Shape = tensorShape } },
        };
    }
}

using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;

namespace Simd.Interop;

/// <summary>Limits of <see cref="OnnxModel"/>.</summary>
public sealed class OnnxReadOptions
{
    /// <summary>The defaults: files up to 256 MiB.</summary>
    public static OnnxReadOptions Default { get; } = new();

    /// <summary>Largest file read (default 256 MiB). A file is read whole, so this bounds what reading one allocates.</summary>
    public long MaxFileBytes { get; init; } = 256L << 20;
}

/// <summary>An ONNX <c>LSTM</c>, <c>GRU</c> or <c>RNN</c> node, with the attributes that decide how its weights map onto a cell.</summary>
public sealed class OnnxRecurrentNode
{
    internal OnnxRecurrentNode(string opType, string name, string[] inputs, long hiddenSize, string direction, long linearBeforeReset, string[] activations, IReadOnlyList<string> unsupported)
    {
        OpType = opType;
        Name = name;
        Inputs = inputs;
        HiddenSize = hiddenSize;
        Direction = direction;
        LinearBeforeReset = linearBeforeReset != 0;
        Activations = activations;
        UnsupportedAttributes = unsupported;
    }

    /// <summary><c>LSTM</c>, <c>GRU</c> or <c>RNN</c>.</summary>
    public string OpType { get; }

    /// <summary>The node's name (may be empty).</summary>
    public string Name { get; }

    /// <summary>Input names in ONNX order: X, W, R, B, sequence_lens, initial_h (LSTM: initial_c, P); empty for an omitted one.</summary>
    public IReadOnlyList<string> Inputs { get; }

    /// <summary>The <c>hidden_size</c> attribute (0 when absent).</summary>
    public long HiddenSize { get; }

    /// <summary><c>forward</c>, <c>reverse</c> or <c>bidirectional</c>.</summary>
    public string Direction { get; }

    /// <summary>GRU's <c>linear_before_reset</c> (Simd's <see cref="GruReset.AfterRecurrentProduct"/> when true).</summary>
    public bool LinearBeforeReset { get; }

    /// <summary>The <c>activations</c> attribute (empty when absent: the operator's defaults).</summary>
    public IReadOnlyList<string> Activations { get; }

    /// <summary>Attributes present that Simd's cells cannot honour (<c>clip</c>, <c>input_forget</c> = 1, activation parameters).</summary>
    public IReadOnlyList<string> UnsupportedAttributes { get; }
}

/// <summary>A tensor of an ONNX file (an initializer or a Constant node's value), still in its file encoding.</summary>
internal sealed class OnnxTensor
{
    public const int Float = 1, Float16 = 10, Double = 11, BFloat16 = 16;

    public required string Name { get; init; }
    public required int DataType { get; init; }
    public required long[] Dims { get; init; }
    public required long ElementCount { get; init; }

    /// <summary>raw_data, or the packed typed field, as little-endian elements of <see cref="RawStride"/> bytes each; for 16-bit types held in int32_data, the widened values.</summary>
    public required ReadOnlyMemory<byte> Raw { get; init; }
    public required int RawStride { get; init; }

    public static string TypeName(int dataType) => dataType switch
    {
        Float => "FLOAT",
        Float16 => "FLOAT16",
        Double => "DOUBLE",
        BFloat16 => "BFLOAT16",
        _ => $"ONNX data type {dataType}",
    };

    public bool Convertible => DataType is Float or Float16 or Double or BFloat16;

    public void Read<T>(Span<T> destination)
        where T : unmanaged
    {
        var dtype = DataType switch
        {
            Float => SafeTensorsDType.F32,
            Double => SafeTensorsDType.F64,
            Float16 => SafeTensorsDType.F16,
            _ => SafeTensorsDType.BF16,
        };

        var raw = Raw.Span;
        if (RawStride == ElementConversion.Size(dtype))
        {
            ElementConversion.Convert(dtype, raw, destination);
            return;
        }

        // FLOAT16 and BFLOAT16 without raw_data keep each element's bits in the low half of an int32_data varint.
        Span<byte> pair = stackalloc byte[2];
        for (int i = 0; i < destination.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(pair, (ushort)BinaryPrimitives.ReadUInt32LittleEndian(raw[(4 * i)..]));
            ElementConversion.Convert(dtype, pair, destination.Slice(i, 1));
        }
    }
}

/// <summary>
/// The parts of an ONNX model that weight import needs: the recurrent nodes of the main graph, in graph order, and the
/// tensors (initializers and Constant outputs) their weights come from. Parsed by a small bounds-checked protobuf
/// reader (ModelProto → GraphProto → NodeProto, AttributeProto, TensorProto), so Simd needs no protobuf package and a
/// corrupt file ends in a <see cref="WeightFileException"/>.
/// </summary>
public sealed class OnnxModel
{
    private readonly Dictionary<string, OnnxTensor> _tensors;
    private readonly List<OnnxRecurrentNode> _nodes;

    private OnnxModel(Dictionary<string, OnnxTensor> tensors, List<OnnxRecurrentNode> nodes)
    {
        _tensors = tensors;
        _nodes = nodes;
    }

    /// <summary>The LSTM, GRU and RNN nodes, in graph (topological) order: layer 0 first.</summary>
    public IReadOnlyList<OnnxRecurrentNode> RecurrentNodes => _nodes;

    /// <summary>Reads an ONNX file.</summary>
    /// <param name="path">A <c>.onnx</c> file with its weights inside (external data is not supported).</param>
    /// <param name="options">Limits, or null for the defaults.</param>
    /// <returns>The model.</returns>
    public static OnnxModel Read(string path, OnnxReadOptions? options = null)
    {
        options ??= OnnxReadOptions.Default;
        using var stream = File.OpenRead(path);
        if (stream.Length > options.MaxFileBytes)
        {
            throw new WeightFileException(WeightFileError.TooLarge, $"The file has {stream.Length} bytes; the limit (OnnxReadOptions.MaxFileBytes) is {options.MaxFileBytes}.");
        }

        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return Parse(bytes, options);
    }

    /// <summary>Parses an ONNX model held in memory (the bytes are not copied: keep them unchanged).</summary>
    /// <param name="bytes">The serialized ModelProto.</param>
    /// <param name="options">Limits, or null for the defaults.</param>
    /// <returns>The model.</returns>
    public static OnnxModel Parse(ReadOnlyMemory<byte> bytes, OnnxReadOptions? options = null)
    {
        options ??= OnnxReadOptions.Default;
        if (bytes.Length > options.MaxFileBytes)
        {
            throw new WeightFileException(WeightFileError.TooLarge, $"The model has {bytes.Length} bytes; the limit (OnnxReadOptions.MaxFileBytes) is {options.MaxFileBytes}.");
        }

        var tensors = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
        var nodes = new List<OnnxRecurrentNode>();
        bool sawGraph = false;
        var model = new ProtoReader(bytes);
        while (!model.AtEnd)
        {
            var (field, wire) = model.ReadTag();
            if (field == 7)
            {
                ProtoReader.Expect(wire, ProtoReader.LengthDelimited, "ModelProto.graph");
                ReadGraph(model.ReadBytes(), tensors, nodes);
                sawGraph = true;
            }
            else
            {
                model.Skip(wire);
            }
        }

        if (!sawGraph)
        {
            throw new WeightFileException(WeightFileError.Malformed, "The file has no graph (is it an ONNX ModelProto?).");
        }

        return new OnnxModel(tensors, nodes);
    }

    internal bool TryGetTensor(string name, out OnnxTensor tensor) => _tensors.TryGetValue(name, out tensor!);

    private static void ReadGraph(ReadOnlyMemory<byte> bytes, Dictionary<string, OnnxTensor> tensors, List<OnnxRecurrentNode> nodes)
    {
        var graph = new ProtoReader(bytes);
        while (!graph.AtEnd)
        {
            var (field, wire) = graph.ReadTag();
            if (field == 1)
            {
                ProtoReader.Expect(wire, ProtoReader.LengthDelimited, "GraphProto.node");
                ReadNode(graph.ReadBytes(), tensors, nodes);
            }
            else if (field == 5)
            {
                ProtoReader.Expect(wire, ProtoReader.LengthDelimited, "GraphProto.initializer");
                AddTensor(tensors, ReadTensor(graph.ReadBytes(), null));
            }
            else
            {
                graph.Skip(wire);
            }
        }
    }

    private static void AddTensor(Dictionary<string, OnnxTensor> tensors, OnnxTensor tensor)
    {
        if (!tensors.TryAdd(tensor.Name, tensor))
        {
            throw new WeightFileException(WeightFileError.DuplicateTensor, $"The graph defines tensor '{tensor.Name}' twice.", tensor.Name);
        }
    }

    private static void ReadNode(ReadOnlyMemory<byte> bytes, Dictionary<string, OnnxTensor> tensors, List<OnnxRecurrentNode> nodes)
    {
        var node = new ProtoReader(bytes);
        var inputs = new List<string>();
        var outputs = new List<string>();
        var attributes = new List<ReadOnlyMemory<byte>>();
        string name = string.Empty, opType = string.Empty, domain = string.Empty;
        while (!node.AtEnd)
        {
            var (field, wire) = node.ReadTag();
            switch (field)
            {
                case 1: ProtoReader.Expect(wire, ProtoReader.LengthDelimited, "NodeProto.input"); inputs.Add(node.ReadString()); break;
                case 2: ProtoReader.Expect(wire, ProtoReader.LengthDelimited, "NodeProto.output"); outputs.Add(node.ReadString()); break;
                case 3: ProtoReader.Expect(wire, ProtoReader.LengthDelimited, "NodeProto.name"); name = node.ReadString(); break;
                case 4: ProtoReader.Expect(wire, ProtoReader.LengthDelimited, "NodeProto.op_type"); opType = node.ReadString(); break;
                case 5: ProtoReader.Expect(wire, ProtoReader.LengthDelimited, "NodeProto.attribute"); attributes.Add(node.ReadBytes()); break;
                case 7: ProtoReader.Expect(wire, ProtoReader.LengthDelimited, "NodeProto.domain"); domain = node.ReadString(); break;
                default: node.Skip(wire); break;
            }
        }

        if (domain is not ("" or "ai.onnx"))
        {
            return;
        }

        if (opType == "Constant")
        {
            foreach (var attribute in attributes)
            {
                var parsed = ReadAttribute(attribute, outputs.Count > 0 ? outputs[0] : name);
                if (parsed.Name == "value" && parsed.Tensor is not null && outputs.Count > 0)
                {
                    AddTensor(tensors, parsed.Tensor);
                }
            }

            return;
        }

        if (opType is not ("LSTM" or "GRU" or "RNN"))
        {
            return;
        }

        long hiddenSize = 0, linearBeforeReset = 0;
        string direction = "forward";
        string[] activations = Array.Empty<string>();
        var unsupported = new List<string>();
        foreach (var attribute in attributes)
        {
            var parsed = ReadAttribute(attribute, null);
            switch (parsed.Name)
            {
                case "hidden_size": hiddenSize = parsed.Int; break;
                case "direction": direction = parsed.String; break;
                case "linear_before_reset": linearBeforeReset = parsed.Int; break;
                case "activations": activations = parsed.Strings.ToArray(); break;
                case "layout": break;
                case "input_forget":
                    if (parsed.Int != 0)
                    {
                        unsupported.Add("input_forget");
                    }

                    break;
                default: unsupported.Add(parsed.Name); break;
            }
        }

        nodes.Add(new OnnxRecurrentNode(opType, name, inputs.ToArray(), hiddenSize, direction, linearBeforeReset, activations, unsupported));
    }

    private static (string Name, long Int, string String, List<string> Strings, OnnxTensor? Tensor) ReadAttribute(ReadOnlyMemory<byte> bytes, string? tensorName)
    {
        var attribute = new ProtoReader(bytes);
        string name = string.Empty, text = string.Empty;
        long integer = 0;
        var strings = new List<string>();
        ReadOnlyMemory<byte>? tensor = null;
        while (!attribute.AtEnd)
        {
            var (field, wire) = attribute.ReadTag();
            switch (field)
            {
                case 1: ProtoReader.Expect(wire, ProtoReader.LengthDelimited, "AttributeProto.name"); name = attribute.ReadString(); break;
                case 3: ProtoReader.Expect(wire, ProtoReader.Varint, "AttributeProto.i"); integer = attribute.ReadInt64(); break;
                case 4: ProtoReader.Expect(wire, ProtoReader.LengthDelimited, "AttributeProto.s"); text = attribute.ReadString(); break;
                case 5: ProtoReader.Expect(wire, ProtoReader.LengthDelimited, "AttributeProto.t"); tensor = attribute.ReadBytes(); break;
                case 9: ProtoReader.Expect(wire, ProtoReader.LengthDelimited, "AttributeProto.strings"); strings.Add(attribute.ReadString()); break;
                default: attribute.Skip(wire); break;
            }
        }

        return (name, integer, text, strings, tensor is { } t && tensorName is not null ? ReadTensor(t, tensorName) : null);
    }

    private static OnnxTensor ReadTensor(ReadOnlyMemory<byte> bytes, string? nameOverride)
    {
        var tensor = new ProtoReader(bytes);
        var dims = new List<long>();
        int dataType = 0;
        string name = string.Empty;
        ReadOnlyMemory<byte>? raw = null, typed = null;
        int typedStride = 0, typedField = 0;
        bool external = false;
        while (!tensor.AtEnd)
        {
            var (field, wire) = tensor.ReadTag();
            switch (field)
            {
                case 1:
                    if (wire == ProtoReader.LengthDelimited)
                    {
                        var packed = new ProtoReader(tensor.ReadBytes());
                        while (!packed.AtEnd)
                        {
                            dims.Add(packed.ReadInt64());
                        }
                    }
                    else
                    {
                        ProtoReader.Expect(wire, ProtoReader.Varint, "TensorProto.dims");
                        dims.Add(tensor.ReadInt64());
                    }

                    break;
                case 2: ProtoReader.Expect(wire, ProtoReader.Varint, "TensorProto.data_type"); dataType = (int)tensor.ReadInt64(); break;
                case 8: ProtoReader.Expect(wire, ProtoReader.LengthDelimited, "TensorProto.name"); name = tensor.ReadString(); break;
                case 9: ProtoReader.Expect(wire, ProtoReader.LengthDelimited, "TensorProto.raw_data"); raw = tensor.ReadBytes(); break;
                case 4 or 10 or 5:
                    // float_data (packed fixed32), double_data (packed fixed64), int32_data (packed varints, FLOAT16/BFLOAT16 bits).
                    if (typed is not null || wire != ProtoReader.LengthDelimited)
                    {
                        throw new WeightFileException(WeightFileError.UnsupportedModel, $"Tensor '{name}' stores its values unpacked or in several runs; re-save it with raw_data.", name);
                    }

                    typedField = field;
                    typed = tensor.ReadBytes();
                    typedStride = field == 4 ? 4 : field == 10 ? 8 : 4;
                    break;
                case 13: tensor.Skip(wire); external = true; break;
                case 14: ProtoReader.Expect(wire, ProtoReader.Varint, "TensorProto.data_location"); external |= tensor.ReadInt64() == 1; break;
                default: tensor.Skip(wire); break;
            }
        }

        name = nameOverride ?? name;
        if (external)
        {
            throw new WeightFileException(WeightFileError.UnsupportedModel, $"Tensor '{name}' keeps its data in an external file; save the model with its weights inside.", name);
        }

        long count = 1;
        foreach (long dimension in dims)
        {
            if (dimension < 0)
            {
                throw new WeightFileException(WeightFileError.InvalidShape, $"Tensor '{name}' has a negative dimension.", name);
            }

            try
            {
                count = checked(count * dimension);
            }
            catch (OverflowException)
            {
                throw new WeightFileException(WeightFileError.InvalidShape, $"Tensor '{name}' has dims [{string.Join(", ", dims)}], whose product overflows 64 bits.", name);
            }
        }

        int stride = dataType switch { OnnxTensor.Float => 4, OnnxTensor.Double => 8, OnnxTensor.Float16 or OnnxTensor.BFloat16 => 2, _ => 0 };
        ReadOnlyMemory<byte> data;
        if (raw is { } r)
        {
            data = r;
        }
        else if (typed is { } t)
        {
            if (typedField == 5)
            {
                data = WidenVarints(t, count, name);
                stride = 4;
            }
            else
            {
                data = t;
                stride = typedStride;
            }
        }
        else
        {
            data = ReadOnlyMemory<byte>.Empty;
        }

        if (stride != 0 && (ulong)data.Length != (ulong)count * (ulong)stride)
        {
            throw new WeightFileException(WeightFileError.SizeMismatch, $"Tensor '{name}' has dims [{string.Join(", ", dims)}] ({count} elements) but {data.Length} bytes of data ({stride} per element).", name);
        }

        return new OnnxTensor { Name = name, DataType = dataType, Dims = dims.ToArray(), ElementCount = count, Raw = data, RawStride = stride };
    }

    /// <summary>int32_data's varints as 4-byte little-endian values; never more than the declared element count.</summary>
    private static ReadOnlyMemory<byte> WidenVarints(ReadOnlyMemory<byte> packed, long count, string name)
    {
        // A varint takes at least one byte, so a count above the packed length cannot be honest.
        if (count > packed.Length)
        {
            throw new WeightFileException(WeightFileError.SizeMismatch, $"Tensor '{name}' declares {count} elements but holds at most {packed.Length}.", name);
        }

        var widened = new byte[count * 4];
        var reader = new ProtoReader(packed);
        int i = 0;
        while (!reader.AtEnd)
        {
            if (i == count)
            {
                throw new WeightFileException(WeightFileError.SizeMismatch, $"Tensor '{name}' holds more than its {count} elements.", name);
            }

            BinaryPrimitives.WriteUInt32LittleEndian(widened.AsSpan(4 * i++), (uint)reader.ReadVarint());
        }

        if (i != count)
        {
            throw new WeightFileException(WeightFileError.SizeMismatch, $"Tensor '{name}' declares {count} elements but holds {i}.", name);
        }

        return widened;
    }
}

using System;
using System.Collections.Generic;
using System.Text.Json;

namespace Simd.Interop;

/// <summary>Parses and validates a safetensors JSON header with a forward-only reader (no document tree).</summary>
internal static class SafeTensorsHeader
{
    public const string MetadataKey = "__metadata__";

    /// <summary>Bytes per element of every format type.</summary>
    public static int ElementBytes(SafeTensorsDType dtype) => dtype switch
    {
        SafeTensorsDType.BOOL or SafeTensorsDType.U8 or SafeTensorsDType.I8 or SafeTensorsDType.F8_E4M3 or SafeTensorsDType.F8_E5M2 => 1,
        SafeTensorsDType.I16 or SafeTensorsDType.U16 or SafeTensorsDType.F16 or SafeTensorsDType.BF16 => 2,
        SafeTensorsDType.I32 or SafeTensorsDType.U32 or SafeTensorsDType.F32 => 4,
        _ => 8,
    };

    public static (SafeTensorInfo[] Tensors, Dictionary<string, string> Metadata) Parse(ReadOnlySpan<byte> header, long dataLength)
    {
        var tensors = new List<SafeTensorInfo>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        bool sawMetadata = false;
        try
        {
            // Depth 3 is all the format needs (header → entry → shape array); deeper input is rejected early.
            var reader = new Utf8JsonReader(header, new JsonReaderOptions { MaxDepth = 3 });
            Expect(ref reader, JsonTokenType.StartObject, "the header");
            while (true)
            {
                Next(ref reader);
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    break;
                }

                string name = reader.GetString()!;
                if (name == MetadataKey)
                {
                    if (sawMetadata)
                    {
                        throw Malformed("The header has two __metadata__ entries.");
                    }

                    sawMetadata = true;
                    ReadMetadata(ref reader, metadata);
                    continue;
                }

                if (!names.Add(name))
                {
                    throw new WeightFileException(WeightFileError.DuplicateTensor, $"The header names tensor '{name}' twice.", name);
                }

                tensors.Add(ReadEntry(ref reader, name, dataLength));
            }

            if (reader.Read())
            {
                throw Malformed("The header has content after its closing brace.");
            }
        }
        catch (JsonException e)
        {
            throw new WeightFileException(WeightFileError.Malformed, $"The header is not valid JSON: {e.Message}", null, e);
        }
        catch (InvalidOperationException e)
        {
            // Utf8JsonReader.GetString and friends on a token of another type.
            throw new WeightFileException(WeightFileError.Malformed, $"The header has a value of the wrong JSON type: {e.Message}", null, e);
        }

        var array = tensors.ToArray();
        CheckCoverage(array, dataLength);
        return (array, metadata);
    }

    private static void ReadMetadata(ref Utf8JsonReader reader, Dictionary<string, string> metadata)
    {
        Expect(ref reader, JsonTokenType.StartObject, "__metadata__");
        while (true)
        {
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                return;
            }

            string key = reader.GetString()!;
            Expect(ref reader, JsonTokenType.String, $"__metadata__ value '{key}'");
            metadata[key] = reader.GetString()!;
        }
    }

    private static SafeTensorInfo ReadEntry(ref Utf8JsonReader reader, string name, long dataLength)
    {
        Expect(ref reader, JsonTokenType.StartObject, $"tensor '{name}'");
        SafeTensorsDType? dtype = null;
        List<long>? shape = null;
        long begin = -1, end = -1;
        while (true)
        {
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                break;
            }

            if (reader.ValueTextEquals("dtype"u8))
            {
                Expect(ref reader, JsonTokenType.String, $"dtype of '{name}'");
                string text = reader.GetString()!;
                dtype = DTypeNamed(text) ?? throw new WeightFileException(WeightFileError.UnsupportedDType, $"Tensor '{name}' has unknown dtype \"{text}\".", name);
            }
            else if (reader.ValueTextEquals("shape"u8))
            {
                Expect(ref reader, JsonTokenType.StartArray, $"shape of '{name}'");
                shape = new List<long>();
                while (true)
                {
                    Next(ref reader);
                    if (reader.TokenType == JsonTokenType.EndArray)
                    {
                        break;
                    }

                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long dimension) || dimension < 0)
                    {
                        throw new WeightFileException(WeightFileError.InvalidShape, $"Tensor '{name}' has a dimension that is not an integer from 0 to 2^63 − 1.", name);
                    }

                    shape.Add(dimension);
                }
            }
            else if (reader.ValueTextEquals("data_offsets"u8))
            {
                Expect(ref reader, JsonTokenType.StartArray, $"data_offsets of '{name}'");
                begin = Offset(ref reader, name);
                end = Offset(ref reader, name);
                Expect(ref reader, JsonTokenType.EndArray, $"data_offsets of '{name}' (two numbers)");
            }
            else
            {
                throw Malformed($"Tensor '{name}' has an unknown field '{reader.GetString()}'.");
            }
        }

        if (dtype is null || shape is null || begin < 0)
        {
            throw Malformed($"Tensor '{name}' lacks {(dtype is null ? "dtype" : shape is null ? "shape" : "data_offsets")}.");
        }

        long count = 1, bytes;
        try
        {
            foreach (long dimension in shape)
            {
                count = checked(count * dimension);
            }

            bytes = checked(count * ElementBytes(dtype.Value));
        }
        catch (OverflowException)
        {
            throw new WeightFileException(WeightFileError.InvalidShape, $"Tensor '{name}' has shape [{string.Join(", ", shape)}], whose size overflows 64 bits.", name);
        }

        if (end < begin || end > dataLength)
        {
            throw new WeightFileException(WeightFileError.OffsetOutOfRange, $"Tensor '{name}' has data_offsets [{begin}, {end}]; the data section has {dataLength} bytes.", name);
        }

        if (end - begin != bytes)
        {
            throw new WeightFileException(WeightFileError.SizeMismatch, $"Tensor '{name}' ({dtype}, shape [{string.Join(", ", shape)}]) needs {bytes} bytes; its data_offsets [{begin}, {end}] span {end - begin}.", name);
        }

        if (count > Array.MaxLength)
        {
            throw new WeightFileException(WeightFileError.InvalidShape, $"Tensor '{name}' has {count} elements, more than a .NET array holds.", name);
        }

        return new SafeTensorInfo(name, dtype.Value, shape.ToArray(), count, begin, end);
    }

    /// <summary>The format's dtype spellings, matched exactly.</summary>
    public static SafeTensorsDType? DTypeNamed(string text) => text switch
    {
        "BOOL" => SafeTensorsDType.BOOL,
        "U8" => SafeTensorsDType.U8,
        "I8" => SafeTensorsDType.I8,
        "F8_E4M3" => SafeTensorsDType.F8_E4M3,
        "F8_E5M2" => SafeTensorsDType.F8_E5M2,
        "I16" => SafeTensorsDType.I16,
        "U16" => SafeTensorsDType.U16,
        "F16" => SafeTensorsDType.F16,
        "BF16" => SafeTensorsDType.BF16,
        "I32" => SafeTensorsDType.I32,
        "U32" => SafeTensorsDType.U32,
        "F32" => SafeTensorsDType.F32,
        "F64" => SafeTensorsDType.F64,
        "I64" => SafeTensorsDType.I64,
        "U64" => SafeTensorsDType.U64,
        _ => null,
    };

    private static long Offset(ref Utf8JsonReader reader, string name)
    {
        Next(ref reader);
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long value) || value < 0)
        {
            throw new WeightFileException(WeightFileError.OffsetOutOfRange, $"Tensor '{name}' has a data offset that is not an integer from 0 to 2^63 − 1.", name);
        }

        return value;
    }

    /// <summary>The format's rule: the tensors tile the data section exactly, without overlap or holes.</summary>
    private static void CheckCoverage(SafeTensorInfo[] tensors, long dataLength)
    {
        var sorted = (SafeTensorInfo[])tensors.Clone();
        Array.Sort(sorted, static (a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long covered = 0;
        string? previous = null;
        foreach (var tensor in sorted)
        {
            if (tensor.Begin < covered)
            {
                throw new WeightFileException(WeightFileError.OverlappingTensors, $"Tensor '{tensor.Name}' starts at byte {tensor.Begin}, inside '{previous}', which ends at {covered}.", tensor.Name);
            }

            if (tensor.Begin > covered)
            {
                throw new WeightFileException(WeightFileError.UncoveredData, $"Data bytes {covered} to {tensor.Begin} belong to no tensor (before '{tensor.Name}').", tensor.Name);
            }

            covered = tensor.End;
            previous = tensor.Name;
        }

        if (covered != dataLength)
        {
            throw new WeightFileException(WeightFileError.UncoveredData, $"The tensors cover {covered} bytes of the {dataLength}-byte data section.");
        }
    }

    private static void Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw Malformed("The header ends early.");
        }
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string what)
    {
        Next(ref reader);
        if (reader.TokenType != type)
        {
            throw Malformed($"Expected {type} for {what}; found {reader.TokenType}.");
        }
    }

    private static WeightFileException Malformed(string message) => new(WeightFileError.Malformed, message);
}

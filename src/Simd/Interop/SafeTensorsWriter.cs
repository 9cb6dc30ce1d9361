using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace Simd.Interop;

/// <summary>
/// Collects tensors and writes them as one safetensors file: F32 for float data, F64 for double, bit for bit, in the
/// order added, with the header padded by spaces to a multiple of 8 bytes (so every tensor starts 8-byte aligned, as
/// PyTorch's writer does).
/// </summary>
public sealed class SafeTensorsWriter
{
    private readonly List<(string Name, SafeTensorsDType DType, long[] Shape, byte[] Data)> _tensors = new();
    private readonly Dictionary<string, string> _metadata = new(StringComparer.Ordinal);

    /// <summary>Names added so far, in order.</summary>
    public IEnumerable<string> Names => _tensors.Select(t => t.Name);

    /// <summary>Adds a float tensor (copied now).</summary>
    /// <param name="name">Its name; unique within the file.</param>
    /// <param name="values">Row-major values; as many as the shape's product.</param>
    /// <param name="shape">Its shape (empty for a scalar).</param>
    public void Add(string name, ReadOnlySpan<float> values, params int[] shape) => Add(name, SafeTensorsDType.F32, System.Runtime.InteropServices.MemoryMarshal.AsBytes(values), values.Length, 4, shape);

    /// <summary>Adds a double tensor (copied now).</summary>
    /// <param name="name">Its name; unique within the file.</param>
    /// <param name="values">Row-major values; as many as the shape's product.</param>
    /// <param name="shape">Its shape (empty for a scalar).</param>
    public void Add(string name, ReadOnlySpan<double> values, params int[] shape) => Add(name, SafeTensorsDType.F64, System.Runtime.InteropServices.MemoryMarshal.AsBytes(values), values.Length, 8, shape);

    /// <summary>Adds a tensor of <typeparamref name="T"/> (float or double).</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="name">Its name; unique within the file.</param>
    /// <param name="values">Row-major values; as many as the shape's product.</param>
    /// <param name="shape">Its shape.</param>
    public void Add<T>(string name, ReadOnlySpan<T> values, IReadOnlyList<int> shape)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (typeof(T) == typeof(float))
        {
            Add(name, System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(values), shape.ToArray());
        }
        else if (typeof(T) == typeof(double))
        {
            Add(name, System.Runtime.InteropServices.MemoryMarshal.Cast<T, double>(values), shape.ToArray());
        }
        else
        {
            throw new NotSupportedException($"Tensors are written as float or double, not {typeof(T).Name}.");
        }
    }

    /// <summary>Sets a <c>__metadata__</c> string (PyTorch's writer puts <c>"format": "pt"</c> there).</summary>
    /// <param name="key">The key.</param><param name="value">The value.</param>
    public void SetMetadata(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        _metadata[key] = value;
    }

    /// <summary>Writes the file.</summary>
    /// <param name="stream">Receives the bytes, from its current position.</param>
    public void WriteTo(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        byte[] header = Header();
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        stream.Write(header);
        foreach (var tensor in _tensors)
        {
            stream.Write(tensor.Data);
        }
    }

    /// <summary>Writes the file to <paramref name="path"/>, replacing it.</summary>
    /// <param name="path">The file.</param>
    public void Save(string path)
    {
        using var stream = File.Create(path);
        WriteTo(stream);
    }

    /// <summary>The file as bytes.</summary>
    /// <returns>The whole file.</returns>
    public byte[] ToArray()
    {
        using var stream = new MemoryStream();
        WriteTo(stream);
        return stream.ToArray();
    }

    private void Add(string name, SafeTensorsDType dtype, ReadOnlySpan<byte> bytes, int count, int elementBytes, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(shape);
        if (name == SafeTensorsHeader.MetadataKey || _tensors.Any(t => t.Name == name))
        {
            throw new ArgumentException($"A tensor called '{name}' was already added (or the name is reserved).", nameof(name));
        }

        long product = 1;
        foreach (int dimension in shape)
        {
            if (dimension < 0)
            {
                throw new ArgumentException($"'{nameof(shape)}' [{string.Join(", ", shape)}] of '{name}' has a negative dimension.", nameof(shape));
            }

            product *= dimension;
        }

        Guard.Length(count, product, "values", $"the product of the shape [{string.Join(", ", shape)}] of '{name}'");
        var data = bytes.ToArray();
        if (!BitConverter.IsLittleEndian)
        {
            for (int i = 0; i < data.Length; i += elementBytes)
            {
                data.AsSpan(i, elementBytes).Reverse();
            }
        }

        _tensors.Add((name, dtype, shape.Select(d => (long)d).ToArray(), data));
    }

    private byte[] Header()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (_metadata.Count > 0)
            {
                json.WriteStartObject(SafeTensorsHeader.MetadataKey);
                foreach (var (key, value) in _metadata)
                {
                    json.WriteString(key, value);
                }

                json.WriteEndObject();
            }

            long offset = 0;
            foreach (var tensor in _tensors)
            {
                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", tensor.DType.ToString());
                json.WriteStartArray("shape");
                foreach (long dimension in tensor.Shape)
                {
                    json.WriteNumberValue(dimension);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + tensor.Data.Length);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += tensor.Data.Length;
            }

            json.WriteEndObject();
        }

        int padded = (int)((buffer.Length + 7) / 8 * 8);
        while (buffer.Length < padded)
        {
            buffer.WriteByte((byte)' ');
        }

        return buffer.ToArray();
    }
}

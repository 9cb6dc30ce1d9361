using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;

namespace Simd.Interop;

/// <summary>Element types of the safetensors format. Only <see cref="F16"/>, <see cref="BF16"/>, <see cref="F32"/> and <see cref="F64"/> can be read into cells.</summary>
public enum SafeTensorsDType
{
    /// <summary>Boolean, one byte.</summary>
    BOOL,
    /// <summary>Unsigned 8-bit integer.</summary>
    U8,
    /// <summary>Signed 8-bit integer.</summary>
    I8,
    /// <summary>8-bit float, E4M3.</summary>
    F8_E4M3,
    /// <summary>8-bit float, E5M2.</summary>
    F8_E5M2,
    /// <summary>Signed 16-bit integer.</summary>
    I16,
    /// <summary>Unsigned 16-bit integer.</summary>
    U16,
    /// <summary>IEEE half precision.</summary>
    F16,
    /// <summary>bfloat16 (the upper half of a float).</summary>
    BF16,
    /// <summary>Signed 32-bit integer.</summary>
    I32,
    /// <summary>Unsigned 32-bit integer.</summary>
    U32,
    /// <summary>IEEE single precision.</summary>
    F32,
    /// <summary>IEEE double precision.</summary>
    F64,
    /// <summary>Signed 64-bit integer.</summary>
    I64,
    /// <summary>Unsigned 64-bit integer.</summary>
    U64,
}

/// <summary>One tensor's entry in a safetensors header.</summary>
public sealed class SafeTensorInfo
{
    internal SafeTensorInfo(string name, SafeTensorsDType dtype, long[] shape, long elementCount, long begin, long end)
    {
        Name = name;
        DType = dtype;
        ShapeValues = shape;
        ElementCount = elementCount;
        Begin = begin;
        End = end;
    }

    /// <summary>The tensor's name (PyTorch's state_dict key).</summary>
    public string Name { get; }

    /// <summary>Its element type.</summary>
    public SafeTensorsDType DType { get; }

    /// <summary>Its shape; empty for a scalar.</summary>
    public IReadOnlyList<long> Shape => ShapeValues;

    /// <summary>Product of the shape.</summary>
    public long ElementCount { get; }

    /// <summary>Start of its bytes, relative to the data section.</summary>
    public long Begin { get; }

    /// <summary>End (exclusive) of its bytes, relative to the data section.</summary>
    public long End { get; }

    internal long[] ShapeValues { get; }
}

/// <summary>Limits and policies of <see cref="SafeTensorsFile"/>.</summary>
public sealed class SafeTensorsReadOptions
{
    /// <summary>The defaults: headers up to 16 MiB, non-finite weights rejected.</summary>
    public static SafeTensorsReadOptions Default { get; } = new();

    /// <summary>
    /// Largest JSON header accepted, in bytes (default 16 MiB: a header costs about 100 bytes per tensor). The header is
    /// the only part of a file read into memory when it is opened, so this bounds what opening a hostile file allocates.
    /// </summary>
    public int MaxHeaderBytes { get; init; } = 16 << 20;

    /// <summary>What reading a tensor holding NaN or ±∞ does (default <see cref="NonFiniteWeights.Reject"/>).</summary>
    public NonFiniteWeights NonFinite { get; init; } = NonFiniteWeights.Reject;

    /// <summary>Receives the warnings of <see cref="NonFiniteWeights.Warn"/>; without one they go nowhere.</summary>
    public Action<string>? Warning { get; init; }
}

/// <summary>
/// A safetensors file: an 8-byte little-endian header length N, N bytes of JSON (name → dtype, shape, data_offsets,
/// plus an optional <c>__metadata__</c> map of strings), then the tensors' raw little-endian bytes. Opening validates
/// the whole header — element types, shapes (overflow included), offsets in range, no overlap, every data byte
/// covered — and reads nothing else; <see cref="ReadTensor{T}(string, Span{T})"/> then converts one tensor (F16, BF16, F32 or F64) to
/// float or double without allocating. Every problem is a <see cref="WeightFileException"/>.
/// </summary>
public sealed class SafeTensorsFile : IDisposable
{
    private const int ChunkBytes = 4096;
    private readonly ReadOnlyMemory<byte> _memory;
    private readonly SafeFileHandle? _handle;
    private readonly long _dataStart;
    private readonly Dictionary<string, SafeTensorInfo> _byName;
    private readonly SafeTensorInfo[] _tensors;
    private readonly Dictionary<string, string> _metadata;
    private readonly SafeTensorsReadOptions _options;

    private SafeTensorsFile(ReadOnlyMemory<byte> memory, SafeFileHandle? handle, long length, SafeTensorsReadOptions? options)
    {
        _memory = memory;
        _handle = handle;
        _options = options ?? SafeTensorsReadOptions.Default;
        if (length < 8)
        {
            throw new WeightFileException(WeightFileError.Truncated, $"A safetensors file starts with an 8-byte header length; this one has {length} bytes.");
        }

        Span<byte> prefix = stackalloc byte[8];
        ReadAt(0, prefix);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > (ulong)(length - 8))
        {
            throw new WeightFileException(WeightFileError.HeaderLengthBeyondFile, $"The header length is {headerLength} bytes but only {length - 8} bytes follow it.");
        }

        if (headerLength > (ulong)_options.MaxHeaderBytes)
        {
            throw new WeightFileException(WeightFileError.TooLarge, $"The header is {headerLength} bytes; the limit (SafeTensorsReadOptions.MaxHeaderBytes) is {_options.MaxHeaderBytes}.");
        }

        var header = new byte[(int)headerLength];
        ReadAt(8, header);
        _dataStart = 8 + (long)headerLength;
        (_tensors, _metadata) = SafeTensorsHeader.Parse(header, length - _dataStart);
        _byName = new Dictionary<string, SafeTensorInfo>(_tensors.Length, StringComparer.Ordinal);
        foreach (var tensor in _tensors)
        {
            _byName.Add(tensor.Name, tensor);
        }
    }

    /// <summary>The tensors, in header order.</summary>
    public IReadOnlyList<SafeTensorInfo> Tensors => _tensors;

    /// <summary>The header's <c>__metadata__</c> strings (empty when it has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata => _metadata;

    /// <summary>Validates a safetensors image held in memory (the bytes are not copied: keep them unchanged).</summary>
    /// <param name="bytes">The whole file.</param>
    /// <param name="options">Limits and policies, or null for <see cref="SafeTensorsReadOptions.Default"/>.</param>
    /// <returns>The file, ready to read tensors from.</returns>
    public static SafeTensorsFile Parse(ReadOnlyMemory<byte> bytes, SafeTensorsReadOptions? options = null)
        => new(bytes, null, bytes.Length, options);

    /// <summary>Opens a safetensors file and validates its header; tensors are read from the file on demand.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">Limits and policies, or null for <see cref="SafeTensorsReadOptions.Default"/>.</param>
    /// <returns>The open file; dispose it to close the file.</returns>
    public static SafeTensorsFile Open(string path, SafeTensorsReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            return new SafeTensorsFile(ReadOnlyMemory<byte>.Empty, handle, RandomAccess.GetLength(handle), options);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Looks a tensor up by name.</summary>
    /// <param name="name">The tensor's name.</param>
    /// <param name="tensor">Its entry, when present.</param>
    /// <returns>Whether the file holds it.</returns>
    public bool TryGetTensor(string name, out SafeTensorInfo tensor)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byName.TryGetValue(name, out tensor!);
    }

    /// <summary>
    /// Converts a tensor, row-major, into <paramref name="destination"/> (F16, BF16 and F32 exactly; F64 into float
    /// rounds to nearest). Allocates nothing. Applies <see cref="SafeTensorsReadOptions.NonFinite"/>.
    /// </summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="name">The tensor's name.</param>
    /// <param name="destination">Exactly its element count long.</param>
    public void ReadTensor<T>(string name, Span<T> destination)
        where T : unmanaged
    {
        if (!TryGetTensor(name, out var tensor))
        {
            throw new WeightFileException(WeightFileError.MissingTensor, $"The file has no tensor '{name}'.", name);
        }

        ReadTensor(tensor, destination);
    }

    /// <summary>Reads the tensor <paramref name="tensor"/> of this file, as <see cref="ReadTensor{T}(string, Span{T})"/>.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="tensor">An entry of <see cref="Tensors"/>.</param>
    /// <param name="destination">Exactly its element count long.</param>
    public void ReadTensor<T>(SafeTensorInfo tensor, Span<T> destination)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
        {
            throw new NotSupportedException($"Tensors are read as float or double, not {typeof(T).Name}.");
        }

        if (!_byName.TryGetValue(tensor.Name, out var own) || !ReferenceEquals(own, tensor))
        {
            throw new ArgumentException($"'{tensor.Name}' is not an entry of this file.", nameof(tensor));
        }

        int size = ElementConversion.Size(tensor.DType);
        if (size == 0)
        {
            throw new WeightFileException(WeightFileError.UnsupportedDType, $"Tensor '{tensor.Name}' is {tensor.DType}; only F16, BF16, F32 and F64 convert to {typeof(T).Name}.", tensor.Name);
        }

        Guard.Length(destination.Length, tensor.ElementCount, nameof(destination), "the element count of '" + tensor.Name + "'");
        Span<byte> chunk = stackalloc byte[ChunkBytes];
        int perChunk = ChunkBytes / size;
        for (int done = 0; done < destination.Length; done += perChunk)
        {
            int count = Math.Min(perChunk, destination.Length - done);
            var bytes = chunk[..(count * size)];
            ReadAt(_dataStart + tensor.Begin + ((long)done * size), bytes);
            ElementConversion.Convert(tensor.DType, bytes, destination.Slice(done, count));
        }

        NonFiniteCheck.Apply(destination, tensor.Name, _options.NonFinite, _options.Warning);
    }

    /// <summary>Closes the file (nothing to do for an in-memory image).</summary>
    public void Dispose() => _handle?.Dispose();

    private void ReadAt(long offset, Span<byte> destination)
    {
        if (_handle is null)
        {
            _memory.Span.Slice((int)offset, destination.Length).CopyTo(destination);
            return;
        }

        while (destination.Length > 0)
        {
            int read = RandomAccess.Read(_handle, destination, offset);
            if (read <= 0)
            {
                throw new WeightFileException(WeightFileError.Truncated, $"The file ended at byte {offset} while {destination.Length} more bytes were expected (was it changed while open?).");
            }

            destination = destination[read..];
            offset += read;
        }
    }
}

/// <summary>Converts raw little-endian elements to float or double.</summary>
internal static class ElementConversion
{
    /// <summary>Bytes per element of the float types; 0 for types that are not read.</summary>
    public static int Size(SafeTensorsDType dtype) => dtype switch
    {
        SafeTensorsDType.F16 or SafeTensorsDType.BF16 => 2,
        SafeTensorsDType.F32 => 4,
        SafeTensorsDType.F64 => 8,
        _ => 0,
    };

    public static void Convert<T>(SafeTensorsDType dtype, ReadOnlySpan<byte> bytes, Span<T> destination)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            var floats = System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(destination);
            for (int i = 0; i < floats.Length; i++)
            {
                floats[i] = dtype switch
                {
                    SafeTensorsDType.F16 => (float)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..])),
                    SafeTensorsDType.BF16 => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]) << 16),
                    SafeTensorsDType.F32 => BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]),
                    _ => (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes[(8 * i)..]),
                };
            }
        }
        else
        {
            var doubles = System.Runtime.InteropServices.MemoryMarshal.Cast<T, double>(destination);
            for (int i = 0; i < doubles.Length; i++)
            {
                doubles[i] = dtype switch
                {
                    SafeTensorsDType.F16 => (double)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..])),
                    SafeTensorsDType.BF16 => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]) << 16),
                    SafeTensorsDType.F32 => BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]),
                    _ => BinaryPrimitives.ReadDoubleLittleEndian(bytes[(8 * i)..]),
                };
            }
        }
    }
}

/// <summary>The non-finite policy, shared by every reader.</summary>
internal static class NonFiniteCheck
{
    public static void Apply<T>(ReadOnlySpan<T> values, string name, NonFiniteWeights policy, Action<string>? warning)
        where T : unmanaged
    {
        if (policy == NonFiniteWeights.Allow)
        {
            return;
        }

        int index = FirstNonFinite(values);
        if (index < 0)
        {
            return;
        }

        string message = string.Create(CultureInfo.InvariantCulture, $"Tensor '{name}' holds a non-finite value ({values[index]}) at element {index}.");
        if (policy == NonFiniteWeights.Reject)
        {
            throw new WeightFileException(WeightFileError.NonFiniteValue, message + " Pass NonFinite = NonFiniteWeights.Warn or Allow to load it anyway.", name);
        }

        warning?.Invoke(message);
    }

    private static int FirstNonFinite<T>(ReadOnlySpan<T> values)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            var floats = System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(values);
            for (int i = 0; i < floats.Length; i++)
            {
                if (!float.IsFinite(floats[i]))
                {
                    return i;
                }
            }
        }
        else
        {
            var doubles = System.Runtime.InteropServices.MemoryMarshal.Cast<T, double>(values);
            for (int i = 0; i < doubles.Length; i++)
            {
                if (!double.IsFinite(doubles[i]))
                {
                    return i;
                }
            }
        }

        return -1;
    }
}

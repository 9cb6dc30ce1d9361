using System;
using System.Collections.Generic;

namespace Simd.Interop;

/// <summary>Named tensors a loader reads from: a safetensors file, or tensors mapped out of an ONNX model.</summary>
internal interface ITensorSource
{
    /// <summary>Every tensor name.</summary>
    IEnumerable<string> Names { get; }

    /// <summary>The tensor's shape and whether its element type converts to float and double.</summary>
    bool TryDescribe(string name, out IReadOnlyList<long> shape, out string elementType, out bool convertible);

    /// <summary>Reads the tensor, converted, into a span of exactly its element count (applying the non-finite policy).</summary>
    void Read<T>(string name, Span<T> destination)
        where T : unmanaged;
}

/// <summary>A safetensors file as a tensor source.</summary>
internal sealed class SafeTensorsSource(SafeTensorsFile file) : ITensorSource
{
    public IEnumerable<string> Names
    {
        get
        {
            foreach (var tensor in file.Tensors)
            {
                yield return tensor.Name;
            }
        }
    }

    public bool TryDescribe(string name, out IReadOnlyList<long> shape, out string elementType, out bool convertible)
    {
        if (!file.TryGetTensor(name, out var tensor))
        {
            (shape, elementType, convertible) = (Array.Empty<long>(), string.Empty, false);
            return false;
        }

        (shape, elementType, convertible) = (tensor.Shape, tensor.DType.ToString(), ElementConversion.Size(tensor.DType) != 0);
        return true;
    }

    public void Read<T>(string name, Span<T> destination)
        where T : unmanaged
        => file.ReadTensor(name, destination);
}

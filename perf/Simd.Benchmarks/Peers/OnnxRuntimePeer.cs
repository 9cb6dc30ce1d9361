using System;
using System.Collections.Generic;
using Microsoft.ML.OnnxRuntime;

namespace Simd.Benchmarks.Peers;

/// <summary>
/// An ONNX Runtime session over an in-memory model, set up for its fastest single-stream call: one intra-op and one
/// inter-op thread, sequential execution, all graph optimizations, and every input and output bound once (IO binding)
/// to an <see cref="OrtValue"/> over a pinned managed array. <see cref="Run"/> then only calls into the native session:
/// the caller writes inputs into and reads outputs from the arrays given to <see cref="Bind"/>.
/// </summary>
internal sealed class OnnxRuntimePeer : IDisposable
{
    private readonly SessionOptions _options;
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly OrtIoBinding _binding;
    private readonly List<OrtValue> _values = [];

    /// <summary>Creates the session and an empty binding.</summary>
    /// <param name="model">Serialized ModelProto (see <see cref="OnnxGraph.ToModel"/>).</param>
    public OnnxRuntimePeer(byte[] model)
    {
        _options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(model, _options);
        _binding = _session.CreateIoBinding();
    }

    /// <summary>Binds a graph input or output to <paramref name="data"/> (pinned for the peer's lifetime).</summary>
    /// <param name="name">Input or output name in the graph.</param><param name="isOutput">Whether it is an output.</param>
    /// <param name="data">Buffer, as long as the shape's element count.</param><param name="shape">Tensor shape.</param>
    /// <returns><paramref name="data"/>, for chaining into fields.</returns>
    public float[] Bind(string name, bool isOutput, float[] data, params long[] shape)
    {
        var value = OrtValue.CreateTensorValueFromMemory(data, shape);
        _values.Add(value);
        if (isOutput)
        {
            _binding.BindOutput(name, value);
        }
        else
        {
            _binding.BindInput(name, value);
        }

        return data;
    }

    /// <summary>One inference over the bound buffers.</summary>
    public void Run() => _session.RunWithBinding(_runOptions, _binding);

    /// <summary>Releases the native session, binding and tensors.</summary>
    public void Dispose()
    {
        _binding.Dispose();
        foreach (var value in _values)
        {
            value.Dispose();
        }

        _runOptions.Dispose();
        _session.Dispose();
        _options.Dispose();
    }
}

using System;
using System.Collections.Generic;

namespace Simd;

/// <summary>
/// A generated fully connected layer (<see cref="DenseAttribute"/>): y = act(W x + b), PyTorch's <c>nn.Linear</c>
/// followed by an optional activation. <see cref="IParameterized{T}.Parameters"/> holds <c>weight</c> [OutputSize,
/// InputSize] row-major, then <c>bias</c> [OutputSize].
/// </summary>
/// <typeparam name="T">Element type: <see cref="float"/> or <see cref="double"/>.</typeparam>
public interface IDenseLayer<T> : IParameterized<T>
    where T : unmanaged
{
    /// <summary>Length of each input vector.</summary>
    int InputSize { get; }

    /// <summary>Length of each output vector.</summary>
    int OutputSize { get; }

    /// <summary>Applies the layer to a batch.</summary>
    /// <param name="batch">Number of samples B, at least 1.</param>
    /// <param name="inputs">[B, InputSize], row-major.</param>
    /// <param name="outputs">[B, OutputSize]: the activations, overwritten.</param>
    void Forward(int batch, ReadOnlySpan<T> inputs, Span<T> outputs);

    /// <summary>
    /// Back-propagates through the layer, given the inputs and the outputs of the forward pass (the activation's
    /// derivative is computed from the outputs).
    /// </summary>
    /// <param name="batch">Number of samples B, at least 1.</param>
    /// <param name="inputs">[B, InputSize], as passed to <see cref="Forward"/>.</param>
    /// <param name="outputs">[B, OutputSize], as written by <see cref="Forward"/>.</param>
    /// <param name="outputGradients">dL/d outputs, [B, OutputSize].</param>
    /// <param name="inputGradients">dL/d inputs, [B, InputSize], overwritten; an empty span skips it.</param>
    /// <param name="parameterGradients">dL/dθ, ParameterCount long, in the layout of Parameters; added to.</param>
    void Backward(int batch, ReadOnlySpan<T> inputs, ReadOnlySpan<T> outputs, ReadOnlySpan<T> outputGradients, Span<T> inputGradients, Span<T> parameterGradients);

    /// <summary>Fills the parameters like PyTorch's <c>nn.Linear</c>: weight and bias from U(−1/√InputSize, 1/√InputSize), seeded.</summary>
    /// <param name="seed">Seed.</param>
    void InitializeParameters(ulong seed);

    /// <summary>The tensor names: <c>weight</c> and <c>bias</c>.</summary>
    IReadOnlyList<string> PyTorchParameterNames { get; }

    /// <summary>Loads one tensor by its PyTorch name.</summary>
    /// <param name="name"><c>weight</c> ([OutputSize, InputSize], row-major) or <c>bias</c> ([OutputSize]).</param>
    /// <param name="tensor">Its values.</param>
    void ImportPyTorch(string name, ReadOnlySpan<T> tensor);

    /// <summary>Writes one tensor by its PyTorch name.</summary>
    /// <param name="name"><c>weight</c> or <c>bias</c>.</param>
    /// <param name="tensor">Receives its values.</param>
    void ExportPyTorch(string name, Span<T> tensor);
}

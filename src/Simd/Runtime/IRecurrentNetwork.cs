using System;
using System.Collections.Generic;

namespace Simd;

/// <summary>
/// What every generated layered network offers (a cell attribute with <c>Layers</c> &gt; 1 or <c>Bidirectional</c>):
/// sizes, one parameter span for all layers, and PyTorch's per-layer tensor names (<c>weight_ih_l0</c>,
/// <c>bias_hh_l1_reverse</c>, …) for import and export.
/// </summary>
/// <typeparam name="T">Element type: <see cref="float"/> or <see cref="double"/>.</typeparam>
public interface IRecurrentNetwork<T> : IParameterized<T>
    where T : unmanaged
{
    /// <summary>Length of each input vector of the first layer.</summary>
    int InputSize { get; }

    /// <summary>Hidden units per layer and direction.</summary>
    int HiddenSize { get; }

    /// <summary>Length of one layer-direction's hidden state (HiddenSize, or the LSTM's projection size).</summary>
    int StateSize { get; }

    /// <summary>Length of each output vector: Directions × StateSize.</summary>
    int OutputSize { get; }

    /// <summary>Stacked layers.</summary>
    int Layers { get; }

    /// <summary>1, or 2 when bidirectional.</summary>
    int Directions { get; }

    /// <summary>PyTorch's tensor names for this network, in PyTorch's <c>named_parameters()</c> order.</summary>
    IReadOnlyList<string> PyTorchParameterNames { get; }

    /// <summary>Element count of the PyTorch tensor called <paramref name="name"/>.</summary>
    /// <param name="name">One of <see cref="PyTorchParameterNames"/>.</param>
    /// <returns>Its element count.</returns>
    int PyTorchParameterLength(string name);

    /// <summary>Fills every parameter from U(−1/√H, 1/√H) with a seeded generator (PyTorch's default).</summary>
    /// <param name="seed">Seed.</param>
    void InitializeParameters(ulong seed);

    /// <summary>Loads one PyTorch tensor, row-major, by its name.</summary>
    /// <param name="name">One of <see cref="PyTorchParameterNames"/>.</param>
    /// <param name="tensor">Its values; <see cref="PyTorchParameterLength"/> long.</param>
    void ImportPyTorch(string name, ReadOnlySpan<T> tensor);

    /// <summary>Writes one PyTorch tensor, row-major, by its name.</summary>
    /// <param name="name">One of <see cref="PyTorchParameterNames"/>.</param>
    /// <param name="tensor">Receives its values; <see cref="PyTorchParameterLength"/> long.</param>
    void ExportPyTorch(string name, Span<T> tensor);

    /// <summary>Creates a tape (and workspace) for sequences of up to <paramref name="maxSteps"/> × <paramref name="maxBatch"/>.</summary>
    /// <param name="maxSteps">Longest sequence.</param><param name="maxBatch">Largest batch.</param>
    /// <returns>A tape to reuse across calls.</returns>
    Tape<T> CreateTape(int maxSteps, int maxBatch);
}

/// <summary>A layered LSTM network: states are [Layers·Directions, B, ·] as in PyTorch's <c>nn.LSTM</c>.</summary>
/// <typeparam name="T">Element type.</typeparam>
public interface ILstmNetwork<T> : IRecurrentNetwork<T>
    where T : unmanaged
{
    /// <summary>Sequence forward over all layers and directions; always uses <paramref name="tape"/> as its workspace.</summary>
    /// <param name="steps">T.</param><param name="batch">B.</param><param name="inputs">[T, B, InputSize].</param>
    /// <param name="hidden">[L·D, B, StateSize]: h_0 in, h_T out.</param><param name="cell">[L·D, B, HiddenSize]: c_0 in, c_T out.</param>
    /// <param name="outputs">[T, B, OutputSize].</param><param name="tape">Records for <see cref="Backward"/>.</param>
    void Forward(int steps, int batch, ReadOnlySpan<T> inputs, Span<T> hidden, Span<T> cell, Span<T> outputs, Tape<T> tape);

    /// <summary>Backward through all layers and time; parameter gradients are added to.</summary>
    /// <param name="tape">The recorded tape.</param><param name="outputGradients">[T, B, OutputSize].</param>
    /// <param name="finalHiddenGradient">[L·D, B, StateSize].</param><param name="finalCellGradient">[L·D, B, HiddenSize].</param>
    /// <param name="inputGradients">[T, B, InputSize], overwritten.</param><param name="initialHiddenGradient">[L·D, B, StateSize], overwritten.</param>
    /// <param name="initialCellGradient">[L·D, B, HiddenSize], overwritten.</param><param name="parameterGradients">ParameterCount long; accumulated.</param>
    void Backward(Tape<T> tape, ReadOnlySpan<T> outputGradients, ReadOnlySpan<T> finalHiddenGradient, ReadOnlySpan<T> finalCellGradient, Span<T> inputGradients, Span<T> initialHiddenGradient, Span<T> initialCellGradient, Span<T> parameterGradients);
}

/// <summary>A layered GRU or RNN network: hidden states are [Layers·Directions, B, HiddenSize] as in PyTorch.</summary>
/// <typeparam name="T">Element type.</typeparam>
public interface IHiddenStateNetwork<T> : IRecurrentNetwork<T>
    where T : unmanaged
{
    /// <summary>Sequence forward over all layers and directions; always uses <paramref name="tape"/> as its workspace.</summary>
    /// <param name="steps">T.</param><param name="batch">B.</param><param name="inputs">[T, B, InputSize].</param>
    /// <param name="hidden">[L·D, B, HiddenSize]: h_0 in, h_T out.</param>
    /// <param name="outputs">[T, B, OutputSize].</param><param name="tape">Records for <see cref="Backward"/>.</param>
    void Forward(int steps, int batch, ReadOnlySpan<T> inputs, Span<T> hidden, Span<T> outputs, Tape<T> tape);

    /// <summary>Backward through all layers and time; parameter gradients are added to.</summary>
    /// <param name="tape">The recorded tape.</param><param name="outputGradients">[T, B, OutputSize].</param>
    /// <param name="finalHiddenGradient">[L·D, B, HiddenSize].</param>
    /// <param name="inputGradients">[T, B, InputSize], overwritten.</param><param name="initialHiddenGradient">[L·D, B, HiddenSize], overwritten.</param>
    /// <param name="parameterGradients">ParameterCount long; accumulated.</param>
    void Backward(Tape<T> tape, ReadOnlySpan<T> outputGradients, ReadOnlySpan<T> finalHiddenGradient, Span<T> inputGradients, Span<T> initialHiddenGradient, Span<T> parameterGradients);
}

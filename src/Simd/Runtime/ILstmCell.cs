using System;

namespace Simd;

/// <summary>
/// What every generated LSTM cell offers, for code that works with cells of any shape (tests, tools, model
/// containers). Call the generated class directly on hot paths: its members are shape-specialized and inlinable.
/// </summary>
/// <typeparam name="T">Element type: <see cref="float"/> or <see cref="double"/>.</typeparam>
public interface ILstmCell<T>
    where T : unmanaged
{
    /// <summary>Length of each input vector.</summary>
    int InputSize { get; }

    /// <summary>Length of the hidden and cell states.</summary>
    int HiddenSize { get; }

    /// <summary>Number of parameters (PyTorch's count: two weight matrices and two biases).</summary>
    int ParameterCount { get; }

    /// <summary>The parameters in the cell's SIMD layout.</summary>
    Span<T> Parameters { get; }

    /// <summary>Index in <see cref="Parameters"/> of PyTorch's weight at (gate row, column); columns ≥ InputSize address <c>weight_hh</c>.</summary>
    /// <param name="row">Gate row in PyTorch order (i, f, g, o blocks of HiddenSize rows).</param>
    /// <param name="column">Column of <c>[weight_ih | weight_hh]</c>.</param>
    /// <returns>The index.</returns>
    int WeightIndex(int row, int column);

    /// <summary>Index in <see cref="Parameters"/> of <c>bias_ih[row]</c>.</summary>
    /// <param name="row">Gate row in PyTorch order.</param>
    /// <returns>The index.</returns>
    int BiasIhIndex(int row);

    /// <summary>Index in <see cref="Parameters"/> of <c>bias_hh[row]</c>.</summary>
    /// <param name="row">Gate row in PyTorch order.</param>
    /// <returns>The index.</returns>
    int BiasHhIndex(int row);

    /// <summary>Fills the parameters from U(−1/√H, 1/√H) with a seeded generator.</summary>
    /// <param name="seed">Seed.</param>
    void InitializeParameters(ulong seed);

    /// <summary>Loads PyTorch <c>nn.LSTM</c> tensors.</summary>
    /// <param name="weightIh">[4H, I].</param><param name="weightHh">[4H, H].</param><param name="biasIh">[4H].</param><param name="biasHh">[4H].</param>
    void ImportPyTorch(ReadOnlySpan<T> weightIh, ReadOnlySpan<T> weightHh, ReadOnlySpan<T> biasIh, ReadOnlySpan<T> biasHh);

    /// <summary>Writes PyTorch <c>nn.LSTM</c> tensors.</summary>
    /// <param name="weightIh">[4H, I].</param><param name="weightHh">[4H, H].</param><param name="biasIh">[4H].</param><param name="biasHh">[4H].</param>
    void ExportPyTorch(Span<T> weightIh, Span<T> weightHh, Span<T> biasIh, Span<T> biasHh);

    /// <summary>One step for one sample; h and c are updated in place.</summary>
    /// <param name="input">x_t.</param><param name="hidden">h.</param><param name="cell">c.</param>
    void Step(ReadOnlySpan<T> input, Span<T> hidden, Span<T> cell);

    /// <summary>One step for a batch of independent samples; h and c are updated in place.</summary>
    /// <param name="inputs">[B, I].</param><param name="hidden">[B, H].</param><param name="cell">[B, H].</param>
    void StepBatch(ReadOnlySpan<T> inputs, Span<T> hidden, Span<T> cell);

    /// <summary>Creates a reusable tape for up to <paramref name="maxSteps"/> × <paramref name="maxBatch"/>.</summary>
    /// <param name="maxSteps">Longest sequence.</param><param name="maxBatch">Largest batch.</param>
    /// <returns>The tape.</returns>
    Tape<T> CreateTape(int maxSteps, int maxBatch);

    /// <summary>Sequence forward; records on <paramref name="tape"/> when it is not null.</summary>
    /// <param name="steps">T.</param><param name="batch">B.</param><param name="inputs">[T, B, I].</param>
    /// <param name="hidden">[B, H], h_0 in, h_T out.</param><param name="cell">[B, H], c_0 in, c_T out.</param>
    /// <param name="outputs">[T, B, H].</param><param name="tape">Tape or null.</param>
    void Forward(int steps, int batch, ReadOnlySpan<T> inputs, Span<T> hidden, Span<T> cell, Span<T> outputs, Tape<T>? tape);

    /// <summary>Backward through time over the recorded forward pass.</summary>
    /// <param name="tape">The recorded tape.</param><param name="outputGradients">[T, B, H].</param>
    /// <param name="finalHiddenGradient">[B, H].</param><param name="finalCellGradient">[B, H].</param>
    /// <param name="inputGradients">[T, B, I].</param><param name="initialHiddenGradient">[B, H].</param>
    /// <param name="initialCellGradient">[B, H].</param><param name="parameterGradients">Accumulated, ParameterCount long.</param>
    void Backward(Tape<T> tape, ReadOnlySpan<T> outputGradients, ReadOnlySpan<T> finalHiddenGradient, ReadOnlySpan<T> finalCellGradient, Span<T> inputGradients, Span<T> initialHiddenGradient, Span<T> initialCellGradient, Span<T> parameterGradients);
}

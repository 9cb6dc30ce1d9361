using System;

namespace Simd;

/// <summary>
/// What every generated recurrent cell (LSTM, GRU, RNN) offers, for code that works with cells of any kind and shape
/// (tests, tools, model containers). Call the generated class directly on hot paths: its members are
/// shape-specialized and inlinable.
/// </summary>
/// <typeparam name="T">Element type: <see cref="float"/> or <see cref="double"/>.</typeparam>
public interface IRecurrentCell<T> : IParameterized<T>
    where T : unmanaged
{
    /// <summary>Length of each input vector.</summary>
    int InputSize { get; }

    /// <summary>Length of the hidden state (and of the LSTM's cell state).</summary>
    int HiddenSize { get; }

    /// <summary>
    /// Length of the hidden state h and of each output: <see cref="HiddenSize"/>, except for an LSTM with a projection
    /// (<see cref="LstmCellAttribute.ProjectionSize"/>), whose h has ProjectionSize elements while its cell state keeps
    /// HiddenSize. Size every h, output and dL/dh span with it.
    /// </summary>
    int OutputSize => HiddenSize;

    /// <summary>Index in <see cref="IParameterized{T}.Parameters"/> of PyTorch's weight at (gate row, column); columns ≥ InputSize address <c>weight_hh</c> (<see cref="OutputSize"/> columns).</summary>
    /// <param name="row">Gate row in PyTorch order (for the LSTM: i, f, g, o blocks of HiddenSize rows).</param>
    /// <param name="column">Column of <c>[weight_ih | weight_hh]</c>.</param>
    /// <returns>The index.</returns>
    int WeightIndex(int row, int column);

    /// <summary>Index in <see cref="IParameterized{T}.Parameters"/> of <c>bias_ih[row]</c>.</summary>
    /// <param name="row">Gate row in PyTorch order.</param>
    /// <returns>The index.</returns>
    int BiasIhIndex(int row);

    /// <summary>Index in <see cref="IParameterized{T}.Parameters"/> of <c>bias_hh[row]</c>.</summary>
    /// <param name="row">Gate row in PyTorch order.</param>
    /// <returns>The index.</returns>
    int BiasHhIndex(int row);

    /// <summary>Fills the parameters from U(−1/√H, 1/√H) with a seeded generator.</summary>
    /// <param name="seed">Seed.</param>
    void InitializeParameters(ulong seed);

    /// <summary>
    /// Loads PyTorch tensors (<c>nn.LSTM</c>, <c>nn.GRU</c> or <c>nn.RNN</c> names and shapes). A projected LSTM also needs
    /// <c>weight_hr</c>: it throws <see cref="InvalidOperationException"/> here; use
    /// <see cref="IProjectedLstmCell{T}.ImportPyTorch(ReadOnlySpan{T}, ReadOnlySpan{T}, ReadOnlySpan{T}, ReadOnlySpan{T}, ReadOnlySpan{T})"/>.
    /// </summary>
    /// <param name="weightIh">[gH, I], g = 4 (LSTM), 3 (GRU) or 1 (RNN).</param><param name="weightHh">[gH, H].</param><param name="biasIh">[gH].</param><param name="biasHh">[gH].</param>
    void ImportPyTorch(ReadOnlySpan<T> weightIh, ReadOnlySpan<T> weightHh, ReadOnlySpan<T> biasIh, ReadOnlySpan<T> biasHh);

    /// <summary>Writes PyTorch tensors in the same shapes as <see cref="ImportPyTorch"/> (a projected LSTM throws, as there).</summary>
    /// <param name="weightIh">[gH, I], g = 4 (LSTM), 3 (GRU) or 1 (RNN).</param><param name="weightHh">[gH, H].</param><param name="biasIh">[gH].</param><param name="biasHh">[gH].</param>
    void ExportPyTorch(Span<T> weightIh, Span<T> weightHh, Span<T> biasIh, Span<T> biasHh);

    /// <summary>Creates a tape for <c>Forward</c> and <c>Backward</c> with room for the given steps and batch.</summary>
    /// <param name="maxSteps">Largest T.</param><param name="maxBatch">Largest B.</param>
    /// <returns>A tape to reuse across calls.</returns>
    Tape<T> CreateTape(int maxSteps, int maxBatch);
}

using System;

namespace Simd;

/// <summary>
/// A generated LSTM cell with a projection (<see cref="LstmCellAttribute.ProjectionSize"/> = P, PyTorch's
/// <c>proj_size</c>): h_t = W_hr (o_t ⊙ tanh c_t) with W_hr of shape [P, H]. The hidden state, the outputs and their
/// gradients have <see cref="IRecurrentCell{T}.OutputSize"/> = P elements per sample; the cell state keeps
/// <see cref="IRecurrentCell{T}.HiddenSize"/> = H. PyTorch's tensors include <c>weight_hr</c>, so import and export
/// take five tensors.
/// </summary>
/// <typeparam name="T">Element type: <see cref="float"/> or <see cref="double"/>.</typeparam>
public interface IProjectedLstmCell<T> : ILstmCell<T>
    where T : unmanaged
{
    /// <summary>P: rows of W_hr and length of h.</summary>
    int ProjectionSize { get; }

    /// <summary>Index in <see cref="IParameterized{T}.Parameters"/> of PyTorch's <c>weight_hr[row, column]</c>.</summary>
    /// <param name="row">Output element, 0..P−1.</param>
    /// <param name="column">Cell unit, 0..H−1.</param>
    /// <returns>The index.</returns>
    int ProjectionWeightIndex(int row, int column);

    /// <summary>Loads PyTorch <c>nn.LSTM(proj_size=P)</c> tensors.</summary>
    /// <param name="weightIh">[4H, I].</param><param name="weightHh">[4H, P].</param><param name="biasIh">[4H].</param>
    /// <param name="biasHh">[4H].</param><param name="weightHr">[P, H].</param>
    void ImportPyTorch(ReadOnlySpan<T> weightIh, ReadOnlySpan<T> weightHh, ReadOnlySpan<T> biasIh, ReadOnlySpan<T> biasHh, ReadOnlySpan<T> weightHr);

    /// <summary>Writes PyTorch <c>nn.LSTM(proj_size=P)</c> tensors in the shapes <see cref="ImportPyTorch(ReadOnlySpan{T}, ReadOnlySpan{T}, ReadOnlySpan{T}, ReadOnlySpan{T}, ReadOnlySpan{T})"/> takes.</summary>
    /// <param name="weightIh">[4H, I].</param><param name="weightHh">[4H, P].</param><param name="biasIh">[4H].</param>
    /// <param name="biasHh">[4H].</param><param name="weightHr">[P, H].</param>
    void ExportPyTorch(Span<T> weightIh, Span<T> weightHh, Span<T> biasIh, Span<T> biasHh, Span<T> weightHr);
}

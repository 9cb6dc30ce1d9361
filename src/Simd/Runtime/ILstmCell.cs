using System;

namespace Simd;

/// <summary>
/// What every generated LSTM cell offers beyond <see cref="IRecurrentCell{T}"/>: steps, forward and backward over
/// a hidden state and a cell state. Hidden-state, output and dL/dh spans are
/// <see cref="IRecurrentCell{T}.OutputSize"/> long per sample (HiddenSize, or ProjectionSize for a projected cell,
/// see <see cref="IProjectedLstmCell{T}"/>); cell-state spans are <see cref="IRecurrentCell{T}.HiddenSize"/> long. Below, H
/// stands for HiddenSize and O for OutputSize.
/// </summary>
/// <typeparam name="T">Element type: <see cref="float"/> or <see cref="double"/>.</typeparam>
public interface ILstmCell<T> : IRecurrentCell<T>
    where T : unmanaged
{
    /// <summary>One step for one sample; h and c are updated in place.</summary>
    /// <param name="input">x_t, InputSize long.</param><param name="hidden">h, O long.</param><param name="cell">c, H long.</param>
    void Step(ReadOnlySpan<T> input, Span<T> hidden, Span<T> cell);

    /// <summary>One step for a batch of independent samples; h and c are updated in place.</summary>
    /// <param name="inputs">[B, I].</param><param name="hidden">[B, O].</param><param name="cell">[B, H].</param>
    void StepBatch(ReadOnlySpan<T> inputs, Span<T> hidden, Span<T> cell);

    /// <summary>Sequence forward; records on <paramref name="tape"/> when it is not null.</summary>
    /// <param name="steps">T.</param><param name="batch">B.</param><param name="inputs">[T, B, I].</param>
    /// <param name="hidden">[B, O], h_0 in, h_T out.</param><param name="cell">[B, H], c_0 in, c_T out.</param>
    /// <param name="outputs">[T, B, O].</param><param name="tape">Tape or null.</param>
    void Forward(int steps, int batch, ReadOnlySpan<T> inputs, Span<T> hidden, Span<T> cell, Span<T> outputs, Tape<T>? tape);

    /// <summary>Backward through time over the recorded forward pass.</summary>
    /// <param name="tape">The recorded tape.</param><param name="outputGradients">[T, B, O].</param>
    /// <param name="finalHiddenGradient">[B, O].</param><param name="finalCellGradient">[B, H].</param>
    /// <param name="inputGradients">[T, B, I].</param><param name="initialHiddenGradient">[B, O].</param>
    /// <param name="initialCellGradient">[B, H].</param><param name="parameterGradients">Accumulated, ParameterCount long.</param>
    void Backward(Tape<T> tape, ReadOnlySpan<T> outputGradients, ReadOnlySpan<T> finalHiddenGradient, ReadOnlySpan<T> finalCellGradient, Span<T> inputGradients, Span<T> initialHiddenGradient, Span<T> initialCellGradient, Span<T> parameterGradients);
}

using System;

namespace Simd;

/// <summary>
/// A generated cell whose whole state is the hidden vector h (<see cref="RnnCellAttribute"/> and
/// <see cref="GruCellAttribute"/> cells): steps, forward and backward without a cell state.
/// </summary>
/// <typeparam name="T">Element type: <see cref="float"/> or <see cref="double"/>.</typeparam>
public interface IHiddenStateCell<T> : IRecurrentCell<T>
    where T : unmanaged
{
    /// <summary>One step for one sample; h is updated in place.</summary>
    /// <param name="input">x_t, InputSize long.</param><param name="hidden">h, HiddenSize long.</param>
    void Step(ReadOnlySpan<T> input, Span<T> hidden);

    /// <summary>One step for a batch of independent samples; h is updated in place.</summary>
    /// <param name="inputs">[B, I].</param><param name="hidden">[B, H].</param>
    void StepBatch(ReadOnlySpan<T> inputs, Span<T> hidden);

    /// <summary>Sequence forward; records on <paramref name="tape"/> when it is not null.</summary>
    /// <param name="steps">T.</param><param name="batch">B.</param><param name="inputs">[T, B, I].</param>
    /// <param name="hidden">[B, H], h_0 in, h_T out.</param><param name="outputs">[T, B, H].</param>
    /// <param name="tape">Tape or null.</param>
    void Forward(int steps, int batch, ReadOnlySpan<T> inputs, Span<T> hidden, Span<T> outputs, Tape<T>? tape);

    /// <summary>Backward through time over the recorded forward pass; parameter gradients are added to.</summary>
    /// <param name="tape">The recorded tape.</param><param name="outputGradients">[T, B, H].</param>
    /// <param name="finalHiddenGradient">[B, H].</param><param name="inputGradients">[T, B, I], overwritten.</param>
    /// <param name="initialHiddenGradient">[B, H], overwritten.</param>
    /// <param name="parameterGradients">ParameterCount long, in the layout of Parameters; accumulated.</param>
    void Backward(Tape<T> tape, ReadOnlySpan<T> outputGradients, ReadOnlySpan<T> finalHiddenGradient, Span<T> inputGradients, Span<T> initialHiddenGradient, Span<T> parameterGradients);
}

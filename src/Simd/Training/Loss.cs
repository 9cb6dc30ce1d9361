using System;
using System.Numerics;

namespace Simd.Training;

/// <summary>Losses with their gradients, fused in one pass over the data and allocation-free.</summary>
public static class Loss
{
    /// <summary>
    /// Softmax cross-entropy over rows of logits (PyTorch's <c>F.cross_entropy</c> with <c>reduction="mean"</c> and
    /// <c>ignore_index</c>): returns the mean over the rows whose target is not <paramref name="ignoreIndex"/> of
    /// log Σ_j e^(z_j) − z_target, computed with the row's maximum subtracted so that no exponent overflows, and writes
    /// d(mean)/d(logits) = (softmax(z) − onehot(target)) / counted rows (zero rows for ignored targets).
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logits">[rows, classes], row-major.</param>
    /// <param name="classes">Classes per row, at least 1.</param>
    /// <param name="targets">One class index per row, in [0, classes), or <paramref name="ignoreIndex"/>.</param>
    /// <param name="logitGradients">[rows, classes], overwritten.</param>
    /// <param name="ignoreIndex">Target value of rows that contribute nothing (PyTorch's default −100).</param>
    /// <returns>The mean loss; 0 when every row is ignored (PyTorch returns NaN there).</returns>
    public static T SoftmaxCrossEntropy<T>(ReadOnlySpan<T> logits, int classes, ReadOnlySpan<int> targets, Span<T> logitGradients, int ignoreIndex = -100)
        where T : unmanaged, IFloatingPointIeee754<T>
        => throw new NotImplementedException();

    /// <summary>Mean squared error over all elements: (1/n) Σ (p − t)², with gradient 2 (p − t) / n.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions.</param>
    /// <param name="targets">The targets, as long as the predictions.</param>
    /// <param name="predictionGradients">d(mean)/d(predictions), as long as the predictions; overwritten.</param>
    /// <returns>The mean; 0 for empty spans.</returns>
    public static T MeanSquaredError<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> predictionGradients)
        where T : unmanaged, IFloatingPointIeee754<T>
        => throw new NotImplementedException();
}

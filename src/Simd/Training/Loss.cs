using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Simd.Kernels;

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
    /// <exception cref="ArgumentException">A span length does not match targets.Length × classes.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classes"/> is below 1, or a target is neither a class nor <paramref name="ignoreIndex"/>.</exception>
    public static T SoftmaxCrossEntropy<T>(ReadOnlySpan<T> logits, int classes, ReadOnlySpan<int> targets, Span<T> logitGradients, int ignoreIndex = -100)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Guard.Count(classes, int.MaxValue, nameof(classes));
        var rows = targets.Length;
        Guard.Length(logits.Length, (long)rows * classes, nameof(logits), "targets.Length × classes = {0} × {1}", rows, classes);
        Guard.Length(logitGradients.Length, (long)rows * classes, nameof(logitGradients), "targets.Length × classes = {0} × {1}", rows, classes);

        // Every target is checked before anything is written.
        var counted = 0;
        for (var r = 0; r < rows; r++)
        {
            var target = targets[r];
            if (target == ignoreIndex)
            {
                continue;
            }

            if ((uint)target >= (uint)classes)
            {
                throw new ArgumentOutOfRangeException(nameof(targets), target, $"'targets'[{r}] is {target}; expected a class from 0 to {classes - 1} or ignoreIndex ({ignoreIndex}).");
            }

            counted++;
        }

        if (counted == 0)
        {
            logitGradients.Clear();
            return T.Zero;
        }

        var inverseCount = T.One / T.CreateChecked(counted);
        var total = T.Zero;
        for (var r = 0; r < rows; r++)
        {
            var gradient = logitGradients.Slice(r * classes, classes);
            var target = targets[r];
            if (target == ignoreIndex)
            {
                gradient.Clear();
                continue;
            }

            // Read everything the loss needs before the gradient is written, so logits and gradients may share memory.
            var row = logits.Slice(r * classes, classes);
            var max = Max(row);
            var targetLogit = row[target];
            row.CopyTo(gradient);
            var sum = AttentionMath.SoftmaxNumerators(gradient, T.One); // e^(z − max), sum ≥ 1
            total += T.Log(sum) + (max - targetLogit);
            AttentionMath.Scale(gradient, inverseCount / sum);
            gradient[target] -= inverseCount;
        }

        return total * inverseCount;
    }

    /// <summary>Mean squared error over all elements: (1/n) Σ (p − t)², with gradient 2 (p − t) / n.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions.</param>
    /// <param name="targets">The targets, as long as the predictions.</param>
    /// <param name="predictionGradients">d(mean)/d(predictions), as long as the predictions; overwritten.</param>
    /// <returns>The mean; 0 for empty spans.</returns>
    /// <exception cref="ArgumentException">A span is not as long as <paramref name="predictions"/>.</exception>
    public static T MeanSquaredError<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> predictionGradients)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var length = predictions.Length;
        Guard.Length(targets.Length, length, nameof(targets), "the length of 'predictions'");
        Guard.Length(predictionGradients.Length, length, nameof(predictionGradients), "the length of 'predictions'");
        if (length == 0)
        {
            return T.Zero;
        }

        ref var p = ref MemoryMarshal.GetReference(predictions);
        ref var t = ref MemoryMarshal.GetReference(targets);
        ref var g = ref MemoryMarshal.GetReference(predictionGradients);
        var scale = T.CreateChecked(2) / T.CreateChecked(length);
        var sum = T.Zero;
        var i = 0;
        if (Vector512.IsHardwareAccelerated && length >= Vector512<T>.Count)
        {
            var acc = Vector512<T>.Zero;
            var s = Vector512.Create(scale);
            for (; i <= length - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var d = Vector512.LoadUnsafe(ref p, (nuint)i) - Vector512.LoadUnsafe(ref t, (nuint)i);
                acc += d * d;
                (d * s).StoreUnsafe(ref g, (nuint)i);
            }

            sum += Vector512.Sum(acc);
        }

        if (Vector256.IsHardwareAccelerated && length - i >= Vector256<T>.Count)
        {
            var acc = Vector256<T>.Zero;
            var s = Vector256.Create(scale);
            for (; i <= length - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                var d = Vector256.LoadUnsafe(ref p, (nuint)i) - Vector256.LoadUnsafe(ref t, (nuint)i);
                acc += d * d;
                (d * s).StoreUnsafe(ref g, (nuint)i);
            }

            sum += Vector256.Sum(acc);
        }

        if (Vector128.IsHardwareAccelerated && length - i >= Vector128<T>.Count)
        {
            var acc = Vector128<T>.Zero;
            var s = Vector128.Create(scale);
            for (; i <= length - Vector128<T>.Count; i += Vector128<T>.Count)
            {
                var d = Vector128.LoadUnsafe(ref p, (nuint)i) - Vector128.LoadUnsafe(ref t, (nuint)i);
                acc += d * d;
                (d * s).StoreUnsafe(ref g, (nuint)i);
            }

            sum += Vector128.Sum(acc);
        }

        for (; i < length; i++)
        {
            var d = Unsafe.Add(ref p, i) - Unsafe.Add(ref t, i);
            sum += d * d;
            Unsafe.Add(ref g, i) = d * scale;
        }

        return sum / T.CreateChecked(length);
    }

    /// <summary>The largest element of a non-empty row (NaN if any element is NaN).</summary>
    private static T Max<T>(ReadOnlySpan<T> values)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var v = ref MemoryMarshal.GetReference(values);
        var length = values.Length;
        var max = v;
        var i = 0;
        if (Vector512.IsHardwareAccelerated && length >= Vector512<T>.Count)
        {
            var m = Vector512.LoadUnsafe(ref v);
            for (i = Vector512<T>.Count; i <= length - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                m = Vector512.Max(m, Vector512.LoadUnsafe(ref v, (nuint)i));
            }

            max = Reduce(Vector256.Max(m.GetLower(), m.GetUpper()));
        }
        else if (Vector256.IsHardwareAccelerated && length >= Vector256<T>.Count)
        {
            var m = Vector256.LoadUnsafe(ref v);
            for (i = Vector256<T>.Count; i <= length - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                m = Vector256.Max(m, Vector256.LoadUnsafe(ref v, (nuint)i));
            }

            max = Reduce(m);
        }

        for (; i < length; i++)
        {
            max = T.Max(max, Unsafe.Add(ref v, i));
        }

        return max;

        static T Reduce(Vector256<T> m)
        {
            var r = T.Max(m.GetElement(0), m.GetElement(1));
            for (var k = 2; k < Vector256<T>.Count; k++)
            {
                r = T.Max(r, m.GetElement(k));
            }

            return r;
        }
    }
}

using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Simd.Kernels;

/// <summary>
/// Kernels the generated dense layers call: activations applied in place and the fused per-row backward step. Each
/// walks its span with the widest accelerated vector first (512, then 256, then 128 bits) and finishes in scalar code;
/// tanh and sigmoid use <see cref="VectorMath"/>'s algorithms, so every width gives the same accuracy.
/// </summary>
public static class LayerMath
{
    /// <summary>Replaces every element x of <paramref name="values"/> with tanh(x).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="values">Pre-activations in, activations out.</param>
    public static void Tanh<T>(Span<T> values)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Apply<T, TanhOperator<HardwareMultiplyAdd>>(values);

    /// <summary>Replaces every element x of <paramref name="values"/> with 1 / (1 + e^−x).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="values">Pre-activations in, activations out.</param>
    public static void Sigmoid<T>(Span<T> values)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Apply<T, SigmoidOperator<HardwareMultiplyAdd>>(values);

    /// <summary>Replaces every element x of <paramref name="values"/> with max(0, x) (NaN stays NaN).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="values">Pre-activations in, activations out.</param>
    public static void Relu<T>(Span<T> values)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Apply<T, ReluOperator>(values);

    /// <summary>
    /// The backward step of one output unit o of one sample of y = W x + b: adds δ·x to row o of dW
    /// (<paramref name="weightGradientRow"/>) and, unless <paramref name="inputGradient"/> is empty, δ·W_o to dL/dx.
    /// One pass reads x and W_o once for both.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="input">The sample's input x.</param>
    /// <param name="weightRow">Row o of W, as long as x.</param>
    /// <param name="delta">δ = dL/d(pre-activation o).</param>
    /// <param name="weightGradientRow">Row o of dW, as long as x; added to.</param>
    /// <param name="inputGradient">dL/dx, as long as x, added to; or empty to skip it.</param>
    public static void LinearBackwardRow<T>(ReadOnlySpan<T> input, ReadOnlySpan<T> weightRow, T delta, Span<T> weightGradientRow, Span<T> inputGradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var length = input.Length;
        KernelArguments.LinearBackwardRow(length, weightRow.Length, weightGradientRow.Length, inputGradient.Length);
        if (inputGradient.IsEmpty)
        {
            AttentionMath.MultiplyAdd(input, delta, weightGradientRow);
            return;
        }

        ref var x = ref MemoryMarshal.GetReference(input);
        ref var w = ref MemoryMarshal.GetReference(weightRow);
        ref var dw = ref MemoryMarshal.GetReference(weightGradientRow);
        ref var dx = ref MemoryMarshal.GetReference(inputGradient);
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var d = Vector512.Create(delta);
            for (; i <= length - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var at = (nuint)i;
                (Vector512.LoadUnsafe(ref dw, at) + (d * Vector512.LoadUnsafe(ref x, at))).StoreUnsafe(ref dw, at);
                (Vector512.LoadUnsafe(ref dx, at) + (d * Vector512.LoadUnsafe(ref w, at))).StoreUnsafe(ref dx, at);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            var d = Vector256.Create(delta);
            for (; i <= length - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                var at = (nuint)i;
                (Vector256.LoadUnsafe(ref dw, at) + (d * Vector256.LoadUnsafe(ref x, at))).StoreUnsafe(ref dw, at);
                (Vector256.LoadUnsafe(ref dx, at) + (d * Vector256.LoadUnsafe(ref w, at))).StoreUnsafe(ref dx, at);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            var d = Vector128.Create(delta);
            for (; i <= length - Vector128<T>.Count; i += Vector128<T>.Count)
            {
                var at = (nuint)i;
                (Vector128.LoadUnsafe(ref dw, at) + (d * Vector128.LoadUnsafe(ref x, at))).StoreUnsafe(ref dw, at);
                (Vector128.LoadUnsafe(ref dx, at) + (d * Vector128.LoadUnsafe(ref w, at))).StoreUnsafe(ref dx, at);
            }
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref dw, i) += delta * Unsafe.Add(ref x, i);
            Unsafe.Add(ref dx, i) += delta * Unsafe.Add(ref w, i);
        }
    }

    // Also DeterministicKernels' activations, with the fused multiply-add policy.
    internal static void Apply<T, TOperator>(Span<T> values)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperator : struct, IActivation
    {
        ref var v = ref MemoryMarshal.GetReference(values);
        var length = values.Length;
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= length - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                TOperator.Invoke(Vector512.LoadUnsafe(ref v, (nuint)i)).StoreUnsafe(ref v, (nuint)i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= length - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                TOperator.Invoke(Vector256.LoadUnsafe(ref v, (nuint)i)).StoreUnsafe(ref v, (nuint)i);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= length - Vector128<T>.Count; i += Vector128<T>.Count)
            {
                TOperator.Invoke(Vector128.LoadUnsafe(ref v, (nuint)i)).StoreUnsafe(ref v, (nuint)i);
            }
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref v, i) = TOperator.Invoke(Unsafe.Add(ref v, i));
        }
    }

    /// <summary>One activation at every width; a struct type argument lets the JIT inline it into the loop.</summary>
    internal interface IActivation
    {
        static abstract T Invoke<T>(T x)
            where T : unmanaged, IFloatingPointIeee754<T>;

        static abstract Vector128<T> Invoke<T>(Vector128<T> x)
            where T : unmanaged, IFloatingPointIeee754<T>;

        static abstract Vector256<T> Invoke<T>(Vector256<T> x)
            where T : unmanaged, IFloatingPointIeee754<T>;

        static abstract Vector512<T> Invoke<T>(Vector512<T> x)
            where T : unmanaged, IFloatingPointIeee754<T>;
    }

    /// <summary>Tanh with the multiply-add policy <typeparamref name="M"/> (the fast or the deterministic one).</summary>
    internal readonly struct TanhOperator<M> : IActivation
        where M : IMultiplyAdd
    {
        public static T Invoke<T>(T x)
            where T : unmanaged, IFloatingPointIeee754<T>
            => typeof(T) == typeof(float)
                ? Unsafe.BitCast<float, T>(VectorMath.Tanh<M>(Unsafe.BitCast<T, float>(x)))
                : Unsafe.BitCast<double, T>(VectorMath.Tanh<M>(Unsafe.BitCast<T, double>(x)));

        public static Vector128<T> Invoke<T>(Vector128<T> x)
            where T : unmanaged, IFloatingPointIeee754<T>
            => typeof(T) == typeof(float) ? VectorMath.Tanh<M>(x.AsSingle()).As<float, T>() : VectorMath.Tanh<M>(x.AsDouble()).As<double, T>();

        public static Vector256<T> Invoke<T>(Vector256<T> x)
            where T : unmanaged, IFloatingPointIeee754<T>
            => typeof(T) == typeof(float) ? VectorMath.Tanh<M>(x.AsSingle()).As<float, T>() : VectorMath.Tanh<M>(x.AsDouble()).As<double, T>();

        public static Vector512<T> Invoke<T>(Vector512<T> x)
            where T : unmanaged, IFloatingPointIeee754<T>
            => typeof(T) == typeof(float) ? VectorMath.Tanh<M>(x.AsSingle()).As<float, T>() : VectorMath.Tanh<M>(x.AsDouble()).As<double, T>();
    }

    /// <summary>Sigmoid with the multiply-add policy <typeparamref name="M"/> (the fast or the deterministic one).</summary>
    internal readonly struct SigmoidOperator<M> : IActivation
        where M : IMultiplyAdd
    {
        public static T Invoke<T>(T x)
            where T : unmanaged, IFloatingPointIeee754<T>
            => typeof(T) == typeof(float)
                ? Unsafe.BitCast<float, T>(VectorMath.Sigmoid<M>(Unsafe.BitCast<T, float>(x)))
                : Unsafe.BitCast<double, T>(VectorMath.Sigmoid<M>(Unsafe.BitCast<T, double>(x)));

        public static Vector128<T> Invoke<T>(Vector128<T> x)
            where T : unmanaged, IFloatingPointIeee754<T>
            => typeof(T) == typeof(float) ? VectorMath.Sigmoid<M>(x.AsSingle()).As<float, T>() : VectorMath.Sigmoid<M>(x.AsDouble()).As<double, T>();

        public static Vector256<T> Invoke<T>(Vector256<T> x)
            where T : unmanaged, IFloatingPointIeee754<T>
            => typeof(T) == typeof(float) ? VectorMath.Sigmoid<M>(x.AsSingle()).As<float, T>() : VectorMath.Sigmoid<M>(x.AsDouble()).As<double, T>();

        public static Vector512<T> Invoke<T>(Vector512<T> x)
            where T : unmanaged, IFloatingPointIeee754<T>
            => typeof(T) == typeof(float) ? VectorMath.Sigmoid<M>(x.AsSingle()).As<float, T>() : VectorMath.Sigmoid<M>(x.AsDouble()).As<double, T>();
    }

    private readonly struct ReluOperator : IActivation
    {
        // Zero only where x < 0: that comparison is false for NaN, so NaN propagates instead of becoming 0.
        public static T Invoke<T>(T x)
            where T : unmanaged, IFloatingPointIeee754<T>
            => x < T.Zero ? T.Zero : x;

        public static Vector128<T> Invoke<T>(Vector128<T> x)
            where T : unmanaged, IFloatingPointIeee754<T>
            => Vector128.AndNot(x, Vector128.LessThan(x, Vector128<T>.Zero));

        public static Vector256<T> Invoke<T>(Vector256<T> x)
            where T : unmanaged, IFloatingPointIeee754<T>
            => Vector256.AndNot(x, Vector256.LessThan(x, Vector256<T>.Zero));

        public static Vector512<T> Invoke<T>(Vector512<T> x)
            where T : unmanaged, IFloatingPointIeee754<T>
            => Vector512.AndNot(x, Vector512.LessThan(x, Vector512<T>.Zero));
    }
}

using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Simd.Kernels;

/// <summary>
/// The attention and dense-layer kernels that generated code calls in deterministic mode (<c>Deterministic = true</c>):
/// the same names, arguments and checks as <see cref="AttentionMath"/> and <see cref="LayerMath"/>, with results that
/// are the same bits on every CPU and instruction-set setting.
/// </summary>
/// <remarks>
/// <para>Element-by-element work (weighted sums of rows, scaling, activations, gradient updates) uses the widest
/// vector: each element goes through the same fused multiply-adds in the same order whatever the width. Sums across
/// elements (dot products, softmax denominators, additive scores) use one fixed layout of 64-byte blocks: element i
/// goes to lane i mod L of the block accumulator (L = 16 floats or 8 doubles), the lanes of the accumulator are
/// folded as halves, then quarters — ((A0 + A2) + (A1 + A3)) for its four 16-byte quarters A0..A3 — then the last
/// four (or two) lanes pairwise, and the elements after the last whole block are added one by one. One Vector512,
/// two Vector256 or four Vector128 hold the same block, so every path computes the same sums; with hardware
/// intrinsics switched off the runtime emulates the vectors lane by lane with the same IEEE operations.</para>
/// /// <para>Exponentials and tanh use the <see cref="DeterministicMath"/> polynomials (fused multiply-adds).</para>
/// </remarks>
public static class DeterministicKernels
{
    /// <summary>Returns Σ_i <paramref name="left"/>[i] · <paramref name="right"/>[i] in the fixed order described on the class.</summary>
    /// <inheritdoc cref="AttentionMath.Dot{T}(ReadOnlySpan{T}, ReadOnlySpan{T})" path="/typeparam"/>
    /// <inheritdoc cref="AttentionMath.Dot{T}(ReadOnlySpan{T}, ReadOnlySpan{T})" path="/param"/>
    /// <inheritdoc cref="AttentionMath.Dot{T}(ReadOnlySpan{T}, ReadOnlySpan{T})" path="/returns"/>
    public static T Dot<T>(ReadOnlySpan<T> left, ReadOnlySpan<T> right)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Guard.Length(right.Length, left.Length, nameof(right), "the length of 'left'");
        return FixedOrderDot(ref MemoryMarshal.GetReference(left), ref MemoryMarshal.GetReference(right), left.Length);
    }

    /// <summary>Adds <paramref name="scale"/> · <paramref name="source"/> to <paramref name="destination"/> with one rounding per element.</summary>
    /// <inheritdoc cref="AttentionMath.MultiplyAdd{T}" path="/typeparam"/>
    /// <inheritdoc cref="AttentionMath.MultiplyAdd{T}" path="/param"/>
    public static void MultiplyAdd<T>(ReadOnlySpan<T> source, T scale, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Guard.Length(destination.Length, source.Length, nameof(destination), "the length of 'source'");
        AddScaled(ref MemoryMarshal.GetReference(destination), scale, ref MemoryMarshal.GetReference(source), source.Length);
    }

    /// <summary>Multiplies every element of <paramref name="values"/> by <paramref name="scale"/> (exact per element on every path).</summary>
    /// <inheritdoc cref="AttentionMath.Scale{T}" path="/typeparam"/>
    /// <inheritdoc cref="AttentionMath.Scale{T}" path="/param"/>
    public static void Scale<T>(Span<T> values, T scale)
        where T : unmanaged, IFloatingPointIeee754<T>
        => AttentionMath.Scale(values, scale);

    /// <summary>
    /// Writes (or adds) Σ_j <paramref name="coefficients"/>[j] · row_j to <paramref name="destination"/>, rows taken in
    /// order, one fused multiply-add per row and element; arguments as in <see cref="AttentionMath.Combine{T}"/>.
    /// </summary>
    /// <inheritdoc cref="AttentionMath.Combine{T}" path="/typeparam"/>
    /// <inheritdoc cref="AttentionMath.Combine{T}" path="/param"/>
    public static void Combine<T>(ReadOnlySpan<T> coefficients, ReadOnlySpan<T> rows, int rowStride, Span<T> destination, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var count = coefficients.Length;
        var length = destination.Length;
        KernelArguments.Combine(count, rows.Length, rowStride, length);

        ref var y = ref MemoryMarshal.GetReference(destination);
        ref var r = ref MemoryMarshal.GetReference(rows);
        ref var a = ref MemoryMarshal.GetReference(coefficients);

        // Blocks of the destination stay in registers while every row is added in order: element d sees
        // start, then fma(a_0, row_0[d], ·), fma(a_1, row_1[d], ·), … whatever the width of its block.
        var d = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var width = Vector512<T>.Count;
            for (; d + (4 * width) <= length; d += 4 * width)
            {
                var s0 = accumulate ? Vector512.LoadUnsafe(ref y, (nuint)d) : Vector512<T>.Zero;
                var s1 = accumulate ? Vector512.LoadUnsafe(ref y, (nuint)(d + width)) : Vector512<T>.Zero;
                var s2 = accumulate ? Vector512.LoadUnsafe(ref y, (nuint)(d + (2 * width))) : Vector512<T>.Zero;
                var s3 = accumulate ? Vector512.LoadUnsafe(ref y, (nuint)(d + (3 * width))) : Vector512<T>.Zero;
                for (var j = 0; j < count; j++)
                {
                    var c = Vector512.Create(Unsafe.Add(ref a, j));
                    ref var row = ref Unsafe.Add(ref r, (j * rowStride) + d);
                    s0 = Fused(c, Vector512.LoadUnsafe(ref row), s0);
                    s1 = Fused(c, Vector512.LoadUnsafe(ref row, (nuint)width), s1);
                    s2 = Fused(c, Vector512.LoadUnsafe(ref row, (nuint)(2 * width)), s2);
                    s3 = Fused(c, Vector512.LoadUnsafe(ref row, (nuint)(3 * width)), s3);
                }

                s0.StoreUnsafe(ref y, (nuint)d);
                s1.StoreUnsafe(ref y, (nuint)(d + width));
                s2.StoreUnsafe(ref y, (nuint)(d + (2 * width)));
                s3.StoreUnsafe(ref y, (nuint)(d + (3 * width)));
            }

            for (; d + width <= length; d += width)
            {
                var s0 = accumulate ? Vector512.LoadUnsafe(ref y, (nuint)d) : Vector512<T>.Zero;
                for (var j = 0; j < count; j++)
                {
                    s0 = Fused(Vector512.Create(Unsafe.Add(ref a, j)), Vector512.LoadUnsafe(ref Unsafe.Add(ref r, (j * rowStride) + d)), s0);
                }

                s0.StoreUnsafe(ref y, (nuint)d);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            var width = Vector256<T>.Count;
            for (; d + (2 * width) <= length; d += 2 * width)
            {
                var s0 = accumulate ? Vector256.LoadUnsafe(ref y, (nuint)d) : Vector256<T>.Zero;
                var s1 = accumulate ? Vector256.LoadUnsafe(ref y, (nuint)(d + width)) : Vector256<T>.Zero;
                for (var j = 0; j < count; j++)
                {
                    var c = Vector256.Create(Unsafe.Add(ref a, j));
                    ref var row = ref Unsafe.Add(ref r, (j * rowStride) + d);
                    s0 = Fused(c, Vector256.LoadUnsafe(ref row), s0);
                    s1 = Fused(c, Vector256.LoadUnsafe(ref row, (nuint)width), s1);
                }

                s0.StoreUnsafe(ref y, (nuint)d);
                s1.StoreUnsafe(ref y, (nuint)(d + width));
            }

            for (; d + width <= length; d += width)
            {
                var s0 = accumulate ? Vector256.LoadUnsafe(ref y, (nuint)d) : Vector256<T>.Zero;
                for (var j = 0; j < count; j++)
                {
                    s0 = Fused(Vector256.Create(Unsafe.Add(ref a, j)), Vector256.LoadUnsafe(ref Unsafe.Add(ref r, (j * rowStride) + d)), s0);
                }

                s0.StoreUnsafe(ref y, (nuint)d);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            var width = Vector128<T>.Count;
            for (; d + width <= length; d += width)
            {
                var s0 = accumulate ? Vector128.LoadUnsafe(ref y, (nuint)d) : Vector128<T>.Zero;
                for (var j = 0; j < count; j++)
                {
                    s0 = Fused(Vector128.Create(Unsafe.Add(ref a, j)), Vector128.LoadUnsafe(ref Unsafe.Add(ref r, (j * rowStride) + d)), s0);
                }

                s0.StoreUnsafe(ref y, (nuint)d);
            }
        }

        for (; d < length; d++)
        {
            var s0 = accumulate ? Unsafe.Add(ref y, d) : T.Zero;
            for (var j = 0; j < count; j++)
            {
                s0 = T.FusedMultiplyAdd(Unsafe.Add(ref a, j), Unsafe.Add(ref r, (j * rowStride) + d), s0);
            }

            Unsafe.Add(ref y, d) = s0;
        }
    }

    /// <summary>
    /// Writes (or adds) the matrix-vector product, destination[r] (+)= Σ_c matrix[r · C + c] · vector[c], each row's
    /// sum in the fixed order of <see cref="Dot{T}"/>; arguments as in <see cref="AttentionMath.MatrixVector{T}"/>.
    /// </summary>
    /// <inheritdoc cref="AttentionMath.MatrixVector{T}" path="/typeparam"/>
    /// <inheritdoc cref="AttentionMath.MatrixVector{T}" path="/param"/>
    public static void MatrixVector<T>(ReadOnlySpan<T> matrix, ReadOnlySpan<T> vector, Span<T> destination, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rows = destination.Length;
        var columns = vector.Length;
        KernelArguments.MatrixVector(matrix.Length, rows, columns);
        ref var m = ref MemoryMarshal.GetReference(matrix);
        ref var x = ref MemoryMarshal.GetReference(vector);
        for (var r = 0; r < rows; r++)
        {
            var sum = FixedOrderDot(ref Unsafe.Add(ref m, r * columns), ref x, columns);
            destination[r] = accumulate ? destination[r] + sum : sum;
        }
    }

    /// <summary>Replaces <paramref name="values"/> with their softmax; semantics as <see cref="AttentionMath.Softmax{T}(Span{T})"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="values">Scores in, probabilities out.</param>
    public static void Softmax<T>(Span<T> values)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Softmax(values, T.One);

    /// <summary>Replaces <paramref name="values"/> with softmax(<paramref name="scale"/> · values); semantics as <see cref="AttentionMath.Softmax{T}(Span{T}, T)"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="values">Scores in, probabilities out.</param>
    /// <param name="scale">A positive factor (1/√d for scaled dot-product attention).</param>
    public static void Softmax<T>(Span<T> values, T scale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (values.IsEmpty)
        {
            return;
        }

        Scale(values, T.One / SoftmaxNumerators(values, scale));
    }

    /// <summary>
    /// Replaces <paramref name="values"/> with e^(scale·x_j − scale·max) and returns their sum in the fixed order of
    /// <see cref="Dot{T}"/>; semantics as <see cref="AttentionMath.SoftmaxNumerators{T}"/>.
    /// </summary>
    /// <inheritdoc cref="AttentionMath.SoftmaxNumerators{T}" path="/typeparam"/>
    /// <inheritdoc cref="AttentionMath.SoftmaxNumerators{T}" path="/param"/>
    /// <inheritdoc cref="AttentionMath.SoftmaxNumerators{T}" path="/returns"/>
    public static T SoftmaxNumerators<T>(Span<T> values, T scale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        KernelArguments.SoftmaxScale(scale);

        if (values.IsEmpty)
        {
            return T.Zero;
        }

        // The maximum is exact in any order; NaN anywhere makes it NaN, and then every weight is NaN.
        var max = values[0];
        foreach (var value in values)
        {
            max = T.IsNaN(value) || value > max ? value : max;
        }

        var shift = -scale * max;
        ref var v = ref MemoryMarshal.GetReference(values);
        return FixedOrderSum(new SoftmaxTerm<T>(scale, shift), ref v, ref v, ref v, values.Length, store: true);
    }

    /// <summary>The backward of softmax, dL/dx_j = p_j (dL/dp_j − Σ_k p_k dL/dp_k), the sum in the fixed order of <see cref="Dot{T}"/>.</summary>
    /// <inheritdoc cref="AttentionMath.SoftmaxBackward{T}" path="/typeparam"/>
    /// <inheritdoc cref="AttentionMath.SoftmaxBackward{T}" path="/param"/>
    public static void SoftmaxBackward<T>(ReadOnlySpan<T> probabilities, ReadOnlySpan<T> gradient, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        KernelArguments.SoftmaxBackward(probabilities.Length, gradient.Length, destination.Length);
        var mean = FixedOrderDot(ref MemoryMarshal.GetReference(probabilities), ref MemoryMarshal.GetReference(gradient), probabilities.Length);
        for (var i = 0; i < probabilities.Length; i++)
        {
            destination[i] = probabilities[i] * (gradient[i] - mean);
        }
    }

    /// <summary>
    /// The additive (Bahdanau) score of every key, scores[j] = Σ_a v[a] · tanh(query[a] + keys[j·A + a]), each sum in
    /// the fixed order of <see cref="Dot{T}"/>; arguments as in <see cref="AttentionMath.AdditiveScores{T}"/>.
    /// </summary>
    /// <inheritdoc cref="AttentionMath.AdditiveScores{T}" path="/typeparam"/>
    /// <inheritdoc cref="AttentionMath.AdditiveScores{T}" path="/param"/>
    public static void AdditiveScores<T>(ReadOnlySpan<T> projectedKeys, ReadOnlySpan<T> query, ReadOnlySpan<T> scoreWeight, Span<T> scores)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var size = query.Length;
        KernelArguments.AdditiveScores(projectedKeys.Length, size, scoreWeight.Length, scores.Length);
        ref var u = ref MemoryMarshal.GetReference(query);
        ref var v = ref MemoryMarshal.GetReference(scoreWeight);
        for (var j = 0; j < scores.Length; j++)
        {
            // Each key's score is Σ_a v[a] · tanh(u[a] + k[a]): the term reads u and k_j, the sum multiplies by v.
            ref var k = ref Unsafe.Add(ref MemoryMarshal.GetReference(projectedKeys), j * size);
            scores[j] = FixedOrderSum(default(AdditiveTerm<T>), ref k, ref u, ref v, size, store: false);
        }
    }

    /// <summary>
    /// The backward of <see cref="AdditiveScores{T}"/>, element by element with the same tanh as the forward; arguments
    /// as in <see cref="AttentionMath.AdditiveScoresBackward{T}"/>.
    /// </summary>
    /// <inheritdoc cref="AttentionMath.AdditiveScoresBackward{T}" path="/typeparam"/>
    /// <inheritdoc cref="AttentionMath.AdditiveScoresBackward{T}" path="/param"/>
    public static void AdditiveScoresBackward<T>(ReadOnlySpan<T> projectedKeys, ReadOnlySpan<T> query, ReadOnlySpan<T> scoreWeight, ReadOnlySpan<T> scoreGradient, Span<T> projectedKeyGradient, Span<T> queryGradient, Span<T> scoreWeightGradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var size = query.Length;
        var count = scoreGradient.Length;
        KernelArguments.AdditiveScoresBackward(projectedKeys.Length, size, scoreWeight.Length, count, projectedKeyGradient.Length, queryGradient.Length, scoreWeightGradient.Length);
        ref var u = ref MemoryMarshal.GetReference(query);
        ref var v = ref MemoryMarshal.GetReference(scoreWeight);
        ref var du = ref MemoryMarshal.GetReference(queryGradient);
        ref var dv = ref MemoryMarshal.GetReference(scoreWeightGradient);
        var lanes = Vector128<T>.Count;
        for (var j = 0; j < count; j++)
        {
            var g = scoreGradient[j];
            if (g == T.Zero)
            {
                continue;
            }

            ref var k = ref Unsafe.Add(ref MemoryMarshal.GetReference(projectedKeys), j * size);
            ref var dk = ref Unsafe.Add(ref MemoryMarshal.GetReference(projectedKeyGradient), j * size);
            var gv = Vector128.Create(g);
            var a = 0;
            for (; a + lanes <= size; a += lanes)
            {
                var at = (nuint)a;
                var t = Tanh(Vector128.LoadUnsafe(ref u, at) + Vector128.LoadUnsafe(ref k, at));
                Fused(gv, t, Vector128.LoadUnsafe(ref dv, at)).StoreUnsafe(ref dv, at);
                var e = gv * Vector128.LoadUnsafe(ref v, at) * (Vector128<T>.One - (t * t));
                (Vector128.LoadUnsafe(ref dk, at) + e).StoreUnsafe(ref dk, at);
                (Vector128.LoadUnsafe(ref du, at) + e).StoreUnsafe(ref du, at);
            }

            for (; a < size; a++)
            {
                var t = Tanh(Unsafe.Add(ref u, a) + Unsafe.Add(ref k, a));
                Unsafe.Add(ref dv, a) = T.FusedMultiplyAdd(g, t, Unsafe.Add(ref dv, a));
                var e = g * Unsafe.Add(ref v, a) * (T.One - (t * t));
                Unsafe.Add(ref dk, a) += e;
                Unsafe.Add(ref du, a) += e;
            }
        }
    }

    /// <summary>Writes the transpose of a block (an exact copy); see <see cref="AttentionMath.Transpose{T}"/>.</summary>
    /// <inheritdoc cref="AttentionMath.Transpose{T}" path="/typeparam"/>
    /// <inheritdoc cref="AttentionMath.Transpose{T}" path="/param"/>
    public static void Transpose<T>(ReadOnlySpan<T> source, int rows, int columns, int sourceStride, Span<T> destination, int destinationStride)
        where T : unmanaged
        => AttentionMath.Transpose(source, rows, columns, sourceStride, destination, destinationStride);

    /// <summary>Applies tanh in place with the <see cref="DeterministicMath"/> polynomial.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="values">The vector, replaced by its tanh.</param>
    public static void Tanh<T>(Span<T> values)
        where T : unmanaged, IFloatingPointIeee754<T>
        => LayerMath.Apply<T, LayerMath.TanhOperator<FusedMultiplyAdd>>(values);

    /// <summary>Applies the logistic function in place with the <see cref="DeterministicMath"/> polynomial.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="values">The vector, replaced by its sigmoid.</param>
    public static void Sigmoid<T>(Span<T> values)
        where T : unmanaged, IFloatingPointIeee754<T>
        => LayerMath.Apply<T, LayerMath.SigmoidOperator<FusedMultiplyAdd>>(values);

    /// <summary>Applies max(x, 0) in place (exact on every path).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="values">The vector, replaced by its rectified values.</param>
    public static void Relu<T>(Span<T> values)
        where T : unmanaged, IFloatingPointIeee754<T>
        => LayerMath.Relu(values);

    /// <summary>
    /// One output row of a dense layer's backward (exact per element on every path: a product, then a sum); see
    /// <see cref="LayerMath.LinearBackwardRow{T}"/>.
    /// </summary>
    /// <inheritdoc cref="LayerMath.LinearBackwardRow{T}" path="/typeparam"/>
    /// <inheritdoc cref="LayerMath.LinearBackwardRow{T}" path="/param"/>
    public static void LinearBackwardRow<T>(ReadOnlySpan<T> input, ReadOnlySpan<T> weightRow, T delta, Span<T> weightGradientRow, Span<T> inputGradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var length = input.Length;
        KernelArguments.LinearBackwardRow(length, weightRow.Length, weightGradientRow.Length, inputGradient.Length);

        AddScaled(ref MemoryMarshal.GetReference(weightGradientRow), delta, ref MemoryMarshal.GetReference(input), length);
        if (!inputGradient.IsEmpty)
        {
            AddScaled(ref MemoryMarshal.GetReference(inputGradient), delta, ref MemoryMarshal.GetReference(weightRow), length);
        }
    }

    // y[i] = fma(scale, x[i], y[i]) for i < length: element-by-element, so the widest vector is safe.
    private static void AddScaled<T>(ref T y, T scale, ref T x, int length)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var s = Vector512.Create(scale);
            for (; i + Vector512<T>.Count <= length; i += Vector512<T>.Count)
            {
                Fused(s, Vector512.LoadUnsafe(ref x, (nuint)i), Vector512.LoadUnsafe(ref y, (nuint)i)).StoreUnsafe(ref y, (nuint)i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            var s = Vector256.Create(scale);
            for (; i + Vector256<T>.Count <= length; i += Vector256<T>.Count)
            {
                Fused(s, Vector256.LoadUnsafe(ref x, (nuint)i), Vector256.LoadUnsafe(ref y, (nuint)i)).StoreUnsafe(ref y, (nuint)i);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            var s = Vector128.Create(scale);
            for (; i + Vector128<T>.Count <= length; i += Vector128<T>.Count)
            {
                Fused(s, Vector128.LoadUnsafe(ref x, (nuint)i), Vector128.LoadUnsafe(ref y, (nuint)i)).StoreUnsafe(ref y, (nuint)i);
            }
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref y, i) = T.FusedMultiplyAdd(scale, Unsafe.Add(ref x, i), Unsafe.Add(ref y, i));
        }
    }

    // The fixed-order dot product described on the class.
    private static T FixedOrderDot<T>(ref T x, ref T y, int length)
        where T : unmanaged, IFloatingPointIeee754<T>
        => FixedOrderSum(default(ProductTerm<T>), ref x, ref x, ref y, length, store: false);

    /// <summary>
    /// Σ_i term(x, z, i) · y[i] in the fixed block layout described on the class (with <paramref name="store"/>, term(x, i)
    /// is also written back to x[i] and y is unused: the sum is then Σ term(x, z, i), used by the softmax numerators).
    /// </summary>
    private static T FixedOrderSum<T, TTerm>(TTerm term, ref T x, ref T z, ref T y, int length, bool store)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TTerm : struct, ITerm<T>
    {
        var block = 64 / Unsafe.SizeOf<T>();
        var blocks = length / block * block;
        Vector128<T> folded;
        if (Vector512.IsHardwareAccelerated)
        {
            var a = Vector512<T>.Zero;
            for (var i = 0; i < blocks; i += block)
            {
                var t = term.Apply(ref x, ref z, i, Vector512<T>.Zero);
                if (store)
                {
                    t.StoreUnsafe(ref x, (nuint)i);
                    a += t;
                }
                else
                {
                    a = Fused(t, Vector512.LoadUnsafe(ref y, (nuint)i), a);
                }
            }

            var half = a.GetLower() + a.GetUpper();
            folded = half.GetLower() + half.GetUpper();
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var lanes = Vector256<T>.Count;
            var a0 = Vector256<T>.Zero;
            var a1 = Vector256<T>.Zero;
            for (var i = 0; i < blocks; i += block)
            {
                var t0 = term.Apply(ref x, ref z, i, Vector256<T>.Zero);
                var t1 = term.Apply(ref x, ref z, i + lanes, Vector256<T>.Zero);
                if (store)
                {
                    t0.StoreUnsafe(ref x, (nuint)i);
                    t1.StoreUnsafe(ref x, (nuint)(i + lanes));
                    a0 += t0;
                    a1 += t1;
                }
                else
                {
                    a0 = Fused(t0, Vector256.LoadUnsafe(ref y, (nuint)i), a0);
                    a1 = Fused(t1, Vector256.LoadUnsafe(ref y, (nuint)(i + lanes)), a1);
                }
            }

            var half = a0 + a1;
            folded = half.GetLower() + half.GetUpper();
        }
        else
        {
            // Also the path with hardware intrinsics switched off: the runtime emulates Vector128 lane by lane.
            var lanes = Vector128<T>.Count;
            var a0 = Vector128<T>.Zero;
            var a1 = Vector128<T>.Zero;
            var a2 = Vector128<T>.Zero;
            var a3 = Vector128<T>.Zero;
            for (var i = 0; i < blocks; i += block)
            {
                var t0 = term.Apply(ref x, ref z, i, Vector128<T>.Zero);
                var t1 = term.Apply(ref x, ref z, i + lanes, Vector128<T>.Zero);
                var t2 = term.Apply(ref x, ref z, i + (2 * lanes), Vector128<T>.Zero);
                var t3 = term.Apply(ref x, ref z, i + (3 * lanes), Vector128<T>.Zero);
                if (store)
                {
                    t0.StoreUnsafe(ref x, (nuint)i);
                    t1.StoreUnsafe(ref x, (nuint)(i + lanes));
                    t2.StoreUnsafe(ref x, (nuint)(i + (2 * lanes)));
                    t3.StoreUnsafe(ref x, (nuint)(i + (3 * lanes)));
                    a0 += t0;
                    a1 += t1;
                    a2 += t2;
                    a3 += t3;
                }
                else
                {
                    a0 = Fused(t0, Vector128.LoadUnsafe(ref y, (nuint)i), a0);
                    a1 = Fused(t1, Vector128.LoadUnsafe(ref y, (nuint)(i + lanes)), a1);
                    a2 = Fused(t2, Vector128.LoadUnsafe(ref y, (nuint)(i + (2 * lanes))), a2);
                    a3 = Fused(t3, Vector128.LoadUnsafe(ref y, (nuint)(i + (3 * lanes))), a3);
                }
            }

            folded = (a0 + a2) + (a1 + a3);
        }

        var sum = Lanes(folded);
        for (var i = blocks; i < length; i++)
        {
            var t = term.Apply(ref x, ref z, i);
            if (store)
            {
                Unsafe.Add(ref x, i) = t;
                sum += t;
            }
            else
            {
                sum = T.FusedMultiplyAdd(t, Unsafe.Add(ref y, i), sum);
            }
        }

        return sum;
    }

    /// <summary>The per-element value a fixed-order sum adds up, at every width (the width argument only picks the overload).</summary>
    private interface ITerm<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Vector512<T> Apply(ref T x, ref T z, int at, Vector512<T> width);

        Vector256<T> Apply(ref T x, ref T z, int at, Vector256<T> width);

        Vector128<T> Apply(ref T x, ref T z, int at, Vector128<T> width);

        T Apply(ref T x, ref T z, int at);
    }

    // x[i] itself: the sum is then a dot product with y.
    private readonly struct ProductTerm<T> : ITerm<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public Vector512<T> Apply(ref T x, ref T z, int at, Vector512<T> width) => Vector512.LoadUnsafe(ref x, (nuint)at);

        public Vector256<T> Apply(ref T x, ref T z, int at, Vector256<T> width) => Vector256.LoadUnsafe(ref x, (nuint)at);

        public Vector128<T> Apply(ref T x, ref T z, int at, Vector128<T> width) => Vector128.LoadUnsafe(ref x, (nuint)at);

        public T Apply(ref T x, ref T z, int at) => Unsafe.Add(ref x, at);
    }

    // e^min(scale·x + shift, 0): the softmax numerator (the minimum guards against the rounding of scale·max).
    private readonly struct SoftmaxTerm<T>(T scale, T shift) : ITerm<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public Vector512<T> Apply(ref T x, ref T z, int at, Vector512<T> width) =>
            Exp(Vector512.Min(Fused(Vector512.Create(scale), Vector512.LoadUnsafe(ref x, (nuint)at), Vector512.Create(shift)), Vector512<T>.Zero));

        public Vector256<T> Apply(ref T x, ref T z, int at, Vector256<T> width) =>
            Exp(Vector256.Min(Fused(Vector256.Create(scale), Vector256.LoadUnsafe(ref x, (nuint)at), Vector256.Create(shift)), Vector256<T>.Zero));

        public Vector128<T> Apply(ref T x, ref T z, int at, Vector128<T> width) =>
            Exp(Vector128.Min(Fused(Vector128.Create(scale), Vector128.LoadUnsafe(ref x, (nuint)at), Vector128.Create(shift)), Vector128<T>.Zero));

        public T Apply(ref T x, ref T z, int at) => Exp(T.Min(T.FusedMultiplyAdd(scale, Unsafe.Add(ref x, at), shift), T.Zero));
    }

    // tanh(k[i] + u[i]) for the key k passed as x and the query u as z: the additive score's term (times v in the sum).
    private readonly struct AdditiveTerm<T> : ITerm<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public Vector512<T> Apply(ref T x, ref T z, int at, Vector512<T> width) => Tanh(Vector512.LoadUnsafe(ref z, (nuint)at) + Vector512.LoadUnsafe(ref x, (nuint)at));

        public Vector256<T> Apply(ref T x, ref T z, int at, Vector256<T> width) => Tanh(Vector256.LoadUnsafe(ref z, (nuint)at) + Vector256.LoadUnsafe(ref x, (nuint)at));

        public Vector128<T> Apply(ref T x, ref T z, int at, Vector128<T> width) => Tanh(Vector128.LoadUnsafe(ref z, (nuint)at) + Vector128.LoadUnsafe(ref x, (nuint)at));

        public T Apply(ref T x, ref T z, int at) => Tanh(Unsafe.Add(ref z, at) + Unsafe.Add(ref x, at));
    }

    // Lanes added pairwise in a fixed order: (l0 + l1) + (l2 + l3) for float, l0 + l1 for double.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Lanes<T>(Vector128<T> v)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Vector128<T>.Count == 4
            ? (v.GetElement(0) + v.GetElement(1)) + (v.GetElement(2) + v.GetElement(3))
            : v.GetElement(0) + v.GetElement(1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<T> Fused<T>(Vector128<T> a, Vector128<T> b, Vector128<T> c)
        where T : unmanaged
        => typeof(T) == typeof(float)
            ? DeterministicMath.MulAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>()
            : DeterministicMath.MulAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Fused<T>(Vector256<T> a, Vector256<T> b, Vector256<T> c)
        where T : unmanaged
        => typeof(T) == typeof(float)
            ? DeterministicMath.MulAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>()
            : DeterministicMath.MulAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Fused<T>(Vector512<T> a, Vector512<T> b, Vector512<T> c)
        where T : unmanaged
        => typeof(T) == typeof(float)
            ? DeterministicMath.MulAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>()
            : DeterministicMath.MulAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<T> Exp<T>(Vector128<T> y)
        where T : unmanaged
        => typeof(T) == typeof(float)
            ? VectorMath.ExpNonPositive<FusedMultiplyAdd>(y.AsSingle()).As<float, T>()
            : VectorMath.ExpNonPositive<FusedMultiplyAdd>(y.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Exp<T>(T y)
        where T : unmanaged
        => typeof(T) == typeof(float)
            ? Unsafe.BitCast<float, T>(VectorMath.ExpNonPositive<FusedMultiplyAdd>(Unsafe.BitCast<T, float>(y)))
            : Unsafe.BitCast<double, T>(VectorMath.ExpNonPositive<FusedMultiplyAdd>(Unsafe.BitCast<T, double>(y)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<T> Tanh<T>(Vector128<T> x)
        where T : unmanaged
        => typeof(T) == typeof(float)
            ? DeterministicMath.Tanh(x.AsSingle()).As<float, T>()
            : DeterministicMath.Tanh(x.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Tanh<T>(T x)
        where T : unmanaged
        => typeof(T) == typeof(float)
            ? Unsafe.BitCast<float, T>(DeterministicMath.Tanh(Unsafe.BitCast<T, float>(x)))
            : Unsafe.BitCast<double, T>(DeterministicMath.Tanh(Unsafe.BitCast<T, double>(x)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Exp<T>(Vector256<T> y)
        where T : unmanaged
        => typeof(T) == typeof(float)
            ? VectorMath.ExpNonPositive<FusedMultiplyAdd>(y.AsSingle()).As<float, T>()
            : VectorMath.ExpNonPositive<FusedMultiplyAdd>(y.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Tanh<T>(Vector256<T> x)
        where T : unmanaged
        => typeof(T) == typeof(float)
            ? DeterministicMath.Tanh(x.AsSingle()).As<float, T>()
            : DeterministicMath.Tanh(x.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Exp<T>(Vector512<T> y)
        where T : unmanaged
        => typeof(T) == typeof(float)
            ? VectorMath.ExpNonPositive<FusedMultiplyAdd>(y.AsSingle()).As<float, T>()
            : VectorMath.ExpNonPositive<FusedMultiplyAdd>(y.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Tanh<T>(Vector512<T> x)
        where T : unmanaged
        => typeof(T) == typeof(float)
            ? DeterministicMath.Tanh(x.AsSingle()).As<float, T>()
            : DeterministicMath.Tanh(x.AsDouble()).As<double, T>();




}

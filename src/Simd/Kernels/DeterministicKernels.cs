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
/// <para>Element-by-element work (weighted sums of rows, scaling, gradient updates) may use any vector width: each
/// element goes through the same fused multiply-adds in the same order whatever the width. Sums across elements
/// (dot products, softmax denominators, additive scores) use one fixed layout instead of the widest vector: four
/// 128-bit accumulators, so element i goes to accumulator (i / L) mod 4, lane i mod L (L = 4 floats or 2 doubles),
/// then the accumulators are added as (A0 + A1) + (A2 + A3), the lanes pairwise, and the leftover elements one by one.
/// Every x64 and Arm64 CPU runs 128-bit vectors; with hardware intrinsics switched off the runtime emulates them lane
/// by lane with the same IEEE operations, so the layout, not the hardware, decides the result.</para>
/// <para>Exponentials and tanh use the <see cref="DeterministicMath"/> polynomials (fused multiply-adds).</para>
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
        if (rowStride < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(rowStride), rowStride, "'rowStride' must not be negative.");
        }

        if (count > 0 && length > 0)
        {
            Guard.AtLeast(rows.Length, (((long)count - 1) * rowStride) + length, nameof(rows), "(coefficients − 1) × rowStride + destination = ({0} − 1) × {1} + {2}", count, rowStride, length);
        }

        if (!accumulate)
        {
            destination.Clear();
        }

        ref var y = ref MemoryMarshal.GetReference(destination);
        ref var r = ref MemoryMarshal.GetReference(rows);
        for (var j = 0; j < count && length > 0; j++)
        {
            AddScaled(ref y, coefficients[j], ref Unsafe.Add(ref r, j * rowStride), length);
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
        Guard.Length(matrix.Length, (long)rows * columns, nameof(matrix), "destination × vector = {0} × {1}", rows, columns);
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
        if (!(scale > T.Zero))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "'scale' must be positive.");
        }

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
        var length = values.Length;
        var lanes = Vector128<T>.Count;
        var block = 4 * lanes;
        var i = 0;
        var a0 = Vector128<T>.Zero;
        var a1 = Vector128<T>.Zero;
        var a2 = Vector128<T>.Zero;
        var a3 = Vector128<T>.Zero;
        var s = Vector128.Create(scale);
        var h = Vector128.Create(shift);
        for (; i + block <= length; i += block)
        {
            var e0 = Exp(Vector128.Min(Fused(s, Vector128.LoadUnsafe(ref v, (nuint)i), h), Vector128<T>.Zero));
            var e1 = Exp(Vector128.Min(Fused(s, Vector128.LoadUnsafe(ref v, (nuint)(i + lanes)), h), Vector128<T>.Zero));
            var e2 = Exp(Vector128.Min(Fused(s, Vector128.LoadUnsafe(ref v, (nuint)(i + (2 * lanes))), h), Vector128<T>.Zero));
            var e3 = Exp(Vector128.Min(Fused(s, Vector128.LoadUnsafe(ref v, (nuint)(i + (3 * lanes))), h), Vector128<T>.Zero));
            e0.StoreUnsafe(ref v, (nuint)i);
            e1.StoreUnsafe(ref v, (nuint)(i + lanes));
            e2.StoreUnsafe(ref v, (nuint)(i + (2 * lanes)));
            e3.StoreUnsafe(ref v, (nuint)(i + (3 * lanes)));
            a0 += e0;
            a1 += e1;
            a2 += e2;
            a3 += e3;
        }

        var sum = Lanes((a0 + a1) + (a2 + a3));
        for (; i < length; i++)
        {
            var e = Exp(T.Min(T.FusedMultiplyAdd(scale, Unsafe.Add(ref v, i), shift), T.Zero));
            Unsafe.Add(ref v, i) = e;
            sum += e;
        }

        return sum;
    }

    /// <summary>The backward of softmax, dL/dx_j = p_j (dL/dp_j − Σ_k p_k dL/dp_k), the sum in the fixed order of <see cref="Dot{T}"/>.</summary>
    /// <inheritdoc cref="AttentionMath.SoftmaxBackward{T}" path="/typeparam"/>
    /// <inheritdoc cref="AttentionMath.SoftmaxBackward{T}" path="/param"/>
    public static void SoftmaxBackward<T>(ReadOnlySpan<T> probabilities, ReadOnlySpan<T> gradient, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Guard.Length(gradient.Length, probabilities.Length, nameof(gradient), "the length of 'probabilities'");
        Guard.Length(destination.Length, probabilities.Length, nameof(destination), "the length of 'probabilities'");
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
        Guard.Length(scoreWeight.Length, size, nameof(scoreWeight), "the length of 'query'");
        Guard.AtLeast(projectedKeys.Length, (long)scores.Length * size, nameof(projectedKeys), "scores × query = {0} × {1}", scores.Length, size);
        ref var u = ref MemoryMarshal.GetReference(query);
        ref var v = ref MemoryMarshal.GetReference(scoreWeight);
        var lanes = Vector128<T>.Count;
        var block = 4 * lanes;
        for (var j = 0; j < scores.Length; j++)
        {
            ref var k = ref Unsafe.Add(ref MemoryMarshal.GetReference(projectedKeys), j * size);
            var a0 = Vector128<T>.Zero;
            var a1 = Vector128<T>.Zero;
            var a2 = Vector128<T>.Zero;
            var a3 = Vector128<T>.Zero;
            var a = 0;
            for (; a + block <= size; a += block)
            {
                a0 = Fused(Vector128.LoadUnsafe(ref v, (nuint)a), Tanh(Vector128.LoadUnsafe(ref u, (nuint)a) + Vector128.LoadUnsafe(ref k, (nuint)a)), a0);
                var b = a + lanes;
                a1 = Fused(Vector128.LoadUnsafe(ref v, (nuint)b), Tanh(Vector128.LoadUnsafe(ref u, (nuint)b) + Vector128.LoadUnsafe(ref k, (nuint)b)), a1);
                b += lanes;
                a2 = Fused(Vector128.LoadUnsafe(ref v, (nuint)b), Tanh(Vector128.LoadUnsafe(ref u, (nuint)b) + Vector128.LoadUnsafe(ref k, (nuint)b)), a2);
                b += lanes;
                a3 = Fused(Vector128.LoadUnsafe(ref v, (nuint)b), Tanh(Vector128.LoadUnsafe(ref u, (nuint)b) + Vector128.LoadUnsafe(ref k, (nuint)b)), a3);
            }

            var sum = Lanes((a0 + a1) + (a2 + a3));
            for (; a < size; a++)
            {
                sum = T.FusedMultiplyAdd(Unsafe.Add(ref v, a), Tanh(Unsafe.Add(ref u, a) + Unsafe.Add(ref k, a)), sum);
            }

            scores[j] = sum;
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
        Guard.Length(scoreWeight.Length, size, nameof(scoreWeight), "the length of 'query'");
        Guard.Length(queryGradient.Length, size, nameof(queryGradient), "the length of 'query'");
        Guard.Length(scoreWeightGradient.Length, size, nameof(scoreWeightGradient), "the length of 'query'");
        Guard.AtLeast(projectedKeys.Length, (long)count * size, nameof(projectedKeys), "scoreGradient × query = {0} × {1}", count, size);
        Guard.AtLeast(projectedKeyGradient.Length, (long)count * size, nameof(projectedKeyGradient), "scoreGradient × query = {0} × {1}", count, size);
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
    {
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Tanh(values[i]);
        }
    }

    /// <summary>Applies the logistic function in place with the <see cref="DeterministicMath"/> polynomial.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="values">The vector, replaced by its sigmoid.</param>
    public static void Sigmoid<T>(Span<T> values)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = typeof(T) == typeof(float)
                ? Unsafe.BitCast<float, T>(DeterministicMath.Sigmoid(Unsafe.BitCast<T, float>(values[i])))
                : Unsafe.BitCast<double, T>(DeterministicMath.Sigmoid(Unsafe.BitCast<T, double>(values[i])));
        }
    }

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
        Guard.Length(weightRow.Length, length, nameof(weightRow), "the length of 'input'");
        Guard.Length(weightGradientRow.Length, length, nameof(weightGradientRow), "the length of 'input'");
        if (!inputGradient.IsEmpty)
        {
            Guard.Length(inputGradient.Length, length, nameof(inputGradient), "the length of 'input', or 0");
        }

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
    {
        var lanes = Vector128<T>.Count;
        var block = 4 * lanes;
        var a0 = Vector128<T>.Zero;
        var a1 = Vector128<T>.Zero;
        var a2 = Vector128<T>.Zero;
        var a3 = Vector128<T>.Zero;
        var i = 0;
        for (; i + block <= length; i += block)
        {
            a0 = Fused(Vector128.LoadUnsafe(ref x, (nuint)i), Vector128.LoadUnsafe(ref y, (nuint)i), a0);
            a1 = Fused(Vector128.LoadUnsafe(ref x, (nuint)(i + lanes)), Vector128.LoadUnsafe(ref y, (nuint)(i + lanes)), a1);
            a2 = Fused(Vector128.LoadUnsafe(ref x, (nuint)(i + (2 * lanes))), Vector128.LoadUnsafe(ref y, (nuint)(i + (2 * lanes))), a2);
            a3 = Fused(Vector128.LoadUnsafe(ref x, (nuint)(i + (3 * lanes))), Vector128.LoadUnsafe(ref y, (nuint)(i + (3 * lanes))), a3);
        }

        var sum = Lanes((a0 + a1) + (a2 + a3));
        for (; i < length; i++)
        {
            sum = T.FusedMultiplyAdd(Unsafe.Add(ref x, i), Unsafe.Add(ref y, i), sum);
        }

        return sum;
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
}

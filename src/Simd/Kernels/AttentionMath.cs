using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Simd.Kernels;

/// <summary>
/// Length-generic vector kernels the generated attention cells call with their compile-time sizes: dot products,
/// weighted sums of strided rows, a numerically safe softmax and the additive (tanh) score, for <see cref="float"/>
/// and <see cref="double"/>. Each kernel walks its span with the widest accelerated vector first (512, then 256, then
/// 128 bits) and finishes the last elements in scalar code, so every length is exact and every ISA setting runs the
/// same arithmetic order per width.
/// </summary>
/// <remarks>
/// Every public kernel checks its span lengths before it reads or writes anything and throws an
/// <see cref="ArgumentException"/> naming the argument and the expected length.
/// </remarks>
public static class AttentionMath
{

    /// <summary>Returns Σ_i <paramref name="left"/>[i] · <paramref name="right"/>[i].</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="left">The first vector.</param>
    /// <param name="right">The second vector, as long as the first.</param>
    /// <returns>The dot product.</returns>
    public static T Dot<T>(ReadOnlySpan<T> left, ReadOnlySpan<T> right)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Guard.Length(right.Length, left.Length, nameof(right), "the length of 'left'");
        return Dot(ref MemoryMarshal.GetReference(left), ref MemoryMarshal.GetReference(right), left.Length);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Dot<T>(ref T x, ref T y, int length)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var i = 0;
        var sum = T.Zero;
        if (Vector512.IsHardwareAccelerated && length - i >= Vector512<T>.Count)
        {
            var c = Vector512<T>.Count;
            var a0 = Vector512<T>.Zero;
            var a1 = Vector512<T>.Zero;
            for (; i <= length - (2 * c); i += 2 * c)
            {
                a0 = MulAdd(Vector512.LoadUnsafe(ref x, (nuint)i), Vector512.LoadUnsafe(ref y, (nuint)i), a0);
                a1 = MulAdd(Vector512.LoadUnsafe(ref x, (nuint)(i + c)), Vector512.LoadUnsafe(ref y, (nuint)(i + c)), a1);
            }

            if (i <= length - c)
            {
                a0 = MulAdd(Vector512.LoadUnsafe(ref x, (nuint)i), Vector512.LoadUnsafe(ref y, (nuint)i), a0);
                i += c;
            }

            sum += Sum(a0 + a1);
        }

        if (Vector256.IsHardwareAccelerated && length - i >= Vector256<T>.Count)
        {
            var c = Vector256<T>.Count;
            var a0 = Vector256<T>.Zero;
            var a1 = Vector256<T>.Zero;
            for (; i <= length - (2 * c); i += 2 * c)
            {
                a0 = MulAdd(Vector256.LoadUnsafe(ref x, (nuint)i), Vector256.LoadUnsafe(ref y, (nuint)i), a0);
                a1 = MulAdd(Vector256.LoadUnsafe(ref x, (nuint)(i + c)), Vector256.LoadUnsafe(ref y, (nuint)(i + c)), a1);
            }

            if (i <= length - c)
            {
                a0 = MulAdd(Vector256.LoadUnsafe(ref x, (nuint)i), Vector256.LoadUnsafe(ref y, (nuint)i), a0);
                i += c;
            }

            sum += Sum(a0 + a1);
        }

        if (Vector128.IsHardwareAccelerated && length - i >= Vector128<T>.Count)
        {
            var c = Vector128<T>.Count;
            var a0 = Vector128<T>.Zero;
            var a1 = Vector128<T>.Zero;
            for (; i <= length - (2 * c); i += 2 * c)
            {
                a0 = MulAdd(Vector128.LoadUnsafe(ref x, (nuint)i), Vector128.LoadUnsafe(ref y, (nuint)i), a0);
                a1 = MulAdd(Vector128.LoadUnsafe(ref x, (nuint)(i + c)), Vector128.LoadUnsafe(ref y, (nuint)(i + c)), a1);
            }

            if (i <= length - c)
            {
                a0 = MulAdd(Vector128.LoadUnsafe(ref x, (nuint)i), Vector128.LoadUnsafe(ref y, (nuint)i), a0);
                i += c;
            }

            sum += Sum(a0 + a1);
        }
        for (; i < length; i++)
        {
            sum = (Unsafe.Add(ref x, i) * Unsafe.Add(ref y, i)) + sum;
        }

        return sum;
    }

    /// <summary>Adds <paramref name="scale"/> · <paramref name="source"/> to <paramref name="destination"/>, element by element.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="source">The vector to scale.</param>
    /// <param name="scale">The factor.</param>
    /// <param name="destination">The vector added to; as long as <paramref name="source"/>.</param>
    public static void MultiplyAdd<T>(ReadOnlySpan<T> source, T scale, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Guard.Length(destination.Length, source.Length, nameof(destination), "the length of 'source'");
        ref var x = ref MemoryMarshal.GetReference(source);
        ref var y = ref MemoryMarshal.GetReference(destination);
        var length = source.Length;
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var s = Vector512.Create(scale);
            for (; i <= length - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                MulAdd(s, Vector512.LoadUnsafe(ref x, (nuint)i), Vector512.LoadUnsafe(ref y, (nuint)i)).StoreUnsafe(ref y, (nuint)i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            var s = Vector256.Create(scale);
            for (; i <= length - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                MulAdd(s, Vector256.LoadUnsafe(ref x, (nuint)i), Vector256.LoadUnsafe(ref y, (nuint)i)).StoreUnsafe(ref y, (nuint)i);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            var s = Vector128.Create(scale);
            for (; i <= length - Vector128<T>.Count; i += Vector128<T>.Count)
            {
                MulAdd(s, Vector128.LoadUnsafe(ref x, (nuint)i), Vector128.LoadUnsafe(ref y, (nuint)i)).StoreUnsafe(ref y, (nuint)i);
            }
        }
        for (; i < length; i++)
        {
            Unsafe.Add(ref y, i) = (scale * Unsafe.Add(ref x, i)) + Unsafe.Add(ref y, i);
        }
    }

    /// <summary>Multiplies every element of <paramref name="values"/> by <paramref name="scale"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="values">The vector, scaled in place.</param>
    /// <param name="scale">The factor.</param>
    public static void Scale<T>(Span<T> values, T scale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var y = ref MemoryMarshal.GetReference(values);
        var length = values.Length;
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var s = Vector512.Create(scale);
            for (; i <= length - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                (Vector512.LoadUnsafe(ref y, (nuint)i) * s).StoreUnsafe(ref y, (nuint)i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            var s = Vector256.Create(scale);
            for (; i <= length - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                (Vector256.LoadUnsafe(ref y, (nuint)i) * s).StoreUnsafe(ref y, (nuint)i);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            var s = Vector128.Create(scale);
            for (; i <= length - Vector128<T>.Count; i += Vector128<T>.Count)
            {
                (Vector128.LoadUnsafe(ref y, (nuint)i) * s).StoreUnsafe(ref y, (nuint)i);
            }
        }
        for (; i < length; i++)
        {
            Unsafe.Add(ref y, i) *= scale;
        }
    }

    /// <summary>
    /// Writes (or adds) Σ_j <paramref name="coefficients"/>[j] · row_j to <paramref name="destination"/>, where row_j is
    /// the <paramref name="destination"/>-long slice of <paramref name="rows"/> starting at j · <paramref name="rowStride"/>.
    /// This one kernel is a matrix-transpose-vector product, a weighted sum of values and one row of a matrix product.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="coefficients">One weight per row.</param>
    /// <param name="rows">The rows; at least (n − 1) · rowStride + destination.Length long for n coefficients.</param>
    /// <param name="rowStride">Distance between the starts of consecutive rows, at least 0.</param>
    /// <param name="destination">The result.</param>
    /// <param name="accumulate">Whether to add to <paramref name="destination"/> instead of overwriting it.</param>
    public static void Combine<T>(ReadOnlySpan<T> coefficients, ReadOnlySpan<T> rows, int rowStride, Span<T> destination, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var count = coefficients.Length;
        var length = destination.Length;
        KernelArguments.Combine(count, rows.Length, rowStride, length);

        if (count == 0 || length == 0)
        {
            if (!accumulate)
            {
                destination.Clear();
            }

            return;
        }

        ref var w = ref MemoryMarshal.GetReference(coefficients);
        ref var r = ref MemoryMarshal.GetReference(rows);
        ref var d = ref MemoryMarshal.GetReference(destination);
        var column = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            // Wide destinations (a fused Q/K/V projection): twelve column blocks per pass read each row as one contiguous
            // 768-byte stream, which the hardware prefetchers follow better than four-block passes over strided pieces
            // of every row (measured 4% faster for the 64 → 192 projection of an attention decode step). Twelve
            // accumulators and a broadcast fit the 32 vector registers of AVX-512, and cover the FMA latency.
            for (; column <= length - (12 * Vector512<T>.Count); column += 12 * Vector512<T>.Count)
            {
                var c = Vector512<T>.Count;
                var c0 = accumulate ? Vector512.LoadUnsafe(ref d, (nuint)(column + (0 * c))) : Vector512<T>.Zero;
                var c1 = accumulate ? Vector512.LoadUnsafe(ref d, (nuint)(column + (1 * c))) : Vector512<T>.Zero;
                var c2 = accumulate ? Vector512.LoadUnsafe(ref d, (nuint)(column + (2 * c))) : Vector512<T>.Zero;
                var c3 = accumulate ? Vector512.LoadUnsafe(ref d, (nuint)(column + (3 * c))) : Vector512<T>.Zero;
                var c4 = accumulate ? Vector512.LoadUnsafe(ref d, (nuint)(column + (4 * c))) : Vector512<T>.Zero;
                var c5 = accumulate ? Vector512.LoadUnsafe(ref d, (nuint)(column + (5 * c))) : Vector512<T>.Zero;
                var c6 = accumulate ? Vector512.LoadUnsafe(ref d, (nuint)(column + (6 * c))) : Vector512<T>.Zero;
                var c7 = accumulate ? Vector512.LoadUnsafe(ref d, (nuint)(column + (7 * c))) : Vector512<T>.Zero;
                var c8 = accumulate ? Vector512.LoadUnsafe(ref d, (nuint)(column + (8 * c))) : Vector512<T>.Zero;
                var c9 = accumulate ? Vector512.LoadUnsafe(ref d, (nuint)(column + (9 * c))) : Vector512<T>.Zero;
                var c10 = accumulate ? Vector512.LoadUnsafe(ref d, (nuint)(column + (10 * c))) : Vector512<T>.Zero;
                var c11 = accumulate ? Vector512.LoadUnsafe(ref d, (nuint)(column + (11 * c))) : Vector512<T>.Zero;
                ref var at = ref Unsafe.Add(ref r, column);
                for (var j = 0; j < count; j++)
                {
                    var weight = Vector512.Create(Unsafe.Add(ref w, j));
                    ref var row = ref Unsafe.Add(ref at, j * rowStride);
                    c0 = MulAdd(weight, Vector512.LoadUnsafe(ref row, (nuint)(0 * c)), c0);
                    c1 = MulAdd(weight, Vector512.LoadUnsafe(ref row, (nuint)(1 * c)), c1);
                    c2 = MulAdd(weight, Vector512.LoadUnsafe(ref row, (nuint)(2 * c)), c2);
                    c3 = MulAdd(weight, Vector512.LoadUnsafe(ref row, (nuint)(3 * c)), c3);
                    c4 = MulAdd(weight, Vector512.LoadUnsafe(ref row, (nuint)(4 * c)), c4);
                    c5 = MulAdd(weight, Vector512.LoadUnsafe(ref row, (nuint)(5 * c)), c5);
                    c6 = MulAdd(weight, Vector512.LoadUnsafe(ref row, (nuint)(6 * c)), c6);
                    c7 = MulAdd(weight, Vector512.LoadUnsafe(ref row, (nuint)(7 * c)), c7);
                    c8 = MulAdd(weight, Vector512.LoadUnsafe(ref row, (nuint)(8 * c)), c8);
                    c9 = MulAdd(weight, Vector512.LoadUnsafe(ref row, (nuint)(9 * c)), c9);
                    c10 = MulAdd(weight, Vector512.LoadUnsafe(ref row, (nuint)(10 * c)), c10);
                    c11 = MulAdd(weight, Vector512.LoadUnsafe(ref row, (nuint)(11 * c)), c11);
                }

                c0.StoreUnsafe(ref d, (nuint)(column + (0 * c)));
                c1.StoreUnsafe(ref d, (nuint)(column + (1 * c)));
                c2.StoreUnsafe(ref d, (nuint)(column + (2 * c)));
                c3.StoreUnsafe(ref d, (nuint)(column + (3 * c)));
                c4.StoreUnsafe(ref d, (nuint)(column + (4 * c)));
                c5.StoreUnsafe(ref d, (nuint)(column + (5 * c)));
                c6.StoreUnsafe(ref d, (nuint)(column + (6 * c)));
                c7.StoreUnsafe(ref d, (nuint)(column + (7 * c)));
                c8.StoreUnsafe(ref d, (nuint)(column + (8 * c)));
                c9.StoreUnsafe(ref d, (nuint)(column + (9 * c)));
                c10.StoreUnsafe(ref d, (nuint)(column + (10 * c)));
                c11.StoreUnsafe(ref d, (nuint)(column + (11 * c)));
            }
        }

        if (Vector512.IsHardwareAccelerated)
        {
            // Four column blocks share each coefficient's broadcast. Even and odd rows go to separate accumulators:
            // eight independent chains cover the FMA latency (4 cycles at 2 per cycle), which four would not.
            for (; column <= length - (4 * Vector512<T>.Count); column += 4 * Vector512<T>.Count)
            {
                var c = Vector512<T>.Count;
                var b0 = accumulate ? Vector512.LoadUnsafe(ref d, (nuint)column) : Vector512<T>.Zero;
                var b1 = accumulate ? Vector512.LoadUnsafe(ref d, (nuint)(column + c)) : Vector512<T>.Zero;
                var b2 = accumulate ? Vector512.LoadUnsafe(ref d, (nuint)(column + (2 * c))) : Vector512<T>.Zero;
                var b3 = accumulate ? Vector512.LoadUnsafe(ref d, (nuint)(column + (3 * c))) : Vector512<T>.Zero;
                var e0 = Vector512<T>.Zero;
                var e1 = Vector512<T>.Zero;
                var e2 = Vector512<T>.Zero;
                var e3 = Vector512<T>.Zero;
                ref var at = ref Unsafe.Add(ref r, column);
                var j = 0;
                for (; j <= count - 2; j += 2)
                {
                    var weight = Vector512.Create(Unsafe.Add(ref w, j));
                    ref var row = ref Unsafe.Add(ref at, j * rowStride);
                    b0 = MulAdd(weight, Vector512.LoadUnsafe(ref row), b0);
                    b1 = MulAdd(weight, Vector512.LoadUnsafe(ref row, (nuint)c), b1);
                    b2 = MulAdd(weight, Vector512.LoadUnsafe(ref row, (nuint)(2 * c)), b2);
                    b3 = MulAdd(weight, Vector512.LoadUnsafe(ref row, (nuint)(3 * c)), b3);
                    var next = Vector512.Create(Unsafe.Add(ref w, j + 1));
                    ref var nextRow = ref Unsafe.Add(ref row, rowStride);
                    e0 = MulAdd(next, Vector512.LoadUnsafe(ref nextRow), e0);
                    e1 = MulAdd(next, Vector512.LoadUnsafe(ref nextRow, (nuint)c), e1);
                    e2 = MulAdd(next, Vector512.LoadUnsafe(ref nextRow, (nuint)(2 * c)), e2);
                    e3 = MulAdd(next, Vector512.LoadUnsafe(ref nextRow, (nuint)(3 * c)), e3);
                }

                if (j < count)
                {
                    var weight = Vector512.Create(Unsafe.Add(ref w, j));
                    ref var row = ref Unsafe.Add(ref at, j * rowStride);
                    b0 = MulAdd(weight, Vector512.LoadUnsafe(ref row), b0);
                    b1 = MulAdd(weight, Vector512.LoadUnsafe(ref row, (nuint)c), b1);
                    b2 = MulAdd(weight, Vector512.LoadUnsafe(ref row, (nuint)(2 * c)), b2);
                    b3 = MulAdd(weight, Vector512.LoadUnsafe(ref row, (nuint)(3 * c)), b3);
                }

                (b0 + e0).StoreUnsafe(ref d, (nuint)column);
                (b1 + e1).StoreUnsafe(ref d, (nuint)(column + c));
                (b2 + e2).StoreUnsafe(ref d, (nuint)(column + (2 * c)));
                (b3 + e3).StoreUnsafe(ref d, (nuint)(column + (3 * c)));
            }

            for (; column <= length - Vector512<T>.Count; column += Vector512<T>.Count)
            {
                // Eight accumulators over the rows cover the FMA latency (4 cycles at 2 per cycle).
                var a0 = accumulate ? Vector512.LoadUnsafe(ref d, (nuint)column) : Vector512<T>.Zero;
                var a1 = Vector512<T>.Zero;
                var a2 = Vector512<T>.Zero;
                var a3 = Vector512<T>.Zero;
                var a4 = Vector512<T>.Zero;
                var a5 = Vector512<T>.Zero;
                var a6 = Vector512<T>.Zero;
                var a7 = Vector512<T>.Zero;
                ref var at = ref Unsafe.Add(ref r, column);
                var j = 0;
                for (; j <= count - 8; j += 8)
                {
                    ref var row = ref Unsafe.Add(ref at, j * rowStride);
                    ref var weights = ref Unsafe.Add(ref w, j);
                    a0 = MulAdd(Vector512.Create(weights), Vector512.LoadUnsafe(ref row), a0);
                    a1 = MulAdd(Vector512.Create(Unsafe.Add(ref weights, 1)), Vector512.LoadUnsafe(ref row, (nuint)rowStride), a1);
                    a2 = MulAdd(Vector512.Create(Unsafe.Add(ref weights, 2)), Vector512.LoadUnsafe(ref row, (nuint)(2 * rowStride)), a2);
                    a3 = MulAdd(Vector512.Create(Unsafe.Add(ref weights, 3)), Vector512.LoadUnsafe(ref row, (nuint)(3 * rowStride)), a3);
                    a4 = MulAdd(Vector512.Create(Unsafe.Add(ref weights, 4)), Vector512.LoadUnsafe(ref row, (nuint)(4 * rowStride)), a4);
                    a5 = MulAdd(Vector512.Create(Unsafe.Add(ref weights, 5)), Vector512.LoadUnsafe(ref row, (nuint)(5 * rowStride)), a5);
                    a6 = MulAdd(Vector512.Create(Unsafe.Add(ref weights, 6)), Vector512.LoadUnsafe(ref row, (nuint)(6 * rowStride)), a6);
                    a7 = MulAdd(Vector512.Create(Unsafe.Add(ref weights, 7)), Vector512.LoadUnsafe(ref row, (nuint)(7 * rowStride)), a7);
                }

                for (; j < count; j++)
                {
                    a0 = MulAdd(Vector512.Create(Unsafe.Add(ref w, j)), Vector512.LoadUnsafe(ref at, (nuint)(j * rowStride)), a0);
                }

                (((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7))).StoreUnsafe(ref d, (nuint)column);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            // Four column blocks share each coefficient's broadcast. Even and odd rows go to separate accumulators:
            // eight independent chains cover the FMA latency (4 cycles at 2 per cycle), which four would not.
            for (; column <= length - (4 * Vector256<T>.Count); column += 4 * Vector256<T>.Count)
            {
                var c = Vector256<T>.Count;
                var b0 = accumulate ? Vector256.LoadUnsafe(ref d, (nuint)column) : Vector256<T>.Zero;
                var b1 = accumulate ? Vector256.LoadUnsafe(ref d, (nuint)(column + c)) : Vector256<T>.Zero;
                var b2 = accumulate ? Vector256.LoadUnsafe(ref d, (nuint)(column + (2 * c))) : Vector256<T>.Zero;
                var b3 = accumulate ? Vector256.LoadUnsafe(ref d, (nuint)(column + (3 * c))) : Vector256<T>.Zero;
                var e0 = Vector256<T>.Zero;
                var e1 = Vector256<T>.Zero;
                var e2 = Vector256<T>.Zero;
                var e3 = Vector256<T>.Zero;
                ref var at = ref Unsafe.Add(ref r, column);
                var j = 0;
                for (; j <= count - 2; j += 2)
                {
                    var weight = Vector256.Create(Unsafe.Add(ref w, j));
                    ref var row = ref Unsafe.Add(ref at, j * rowStride);
                    b0 = MulAdd(weight, Vector256.LoadUnsafe(ref row), b0);
                    b1 = MulAdd(weight, Vector256.LoadUnsafe(ref row, (nuint)c), b1);
                    b2 = MulAdd(weight, Vector256.LoadUnsafe(ref row, (nuint)(2 * c)), b2);
                    b3 = MulAdd(weight, Vector256.LoadUnsafe(ref row, (nuint)(3 * c)), b3);
                    var next = Vector256.Create(Unsafe.Add(ref w, j + 1));
                    ref var nextRow = ref Unsafe.Add(ref row, rowStride);
                    e0 = MulAdd(next, Vector256.LoadUnsafe(ref nextRow), e0);
                    e1 = MulAdd(next, Vector256.LoadUnsafe(ref nextRow, (nuint)c), e1);
                    e2 = MulAdd(next, Vector256.LoadUnsafe(ref nextRow, (nuint)(2 * c)), e2);
                    e3 = MulAdd(next, Vector256.LoadUnsafe(ref nextRow, (nuint)(3 * c)), e3);
                }

                if (j < count)
                {
                    var weight = Vector256.Create(Unsafe.Add(ref w, j));
                    ref var row = ref Unsafe.Add(ref at, j * rowStride);
                    b0 = MulAdd(weight, Vector256.LoadUnsafe(ref row), b0);
                    b1 = MulAdd(weight, Vector256.LoadUnsafe(ref row, (nuint)c), b1);
                    b2 = MulAdd(weight, Vector256.LoadUnsafe(ref row, (nuint)(2 * c)), b2);
                    b3 = MulAdd(weight, Vector256.LoadUnsafe(ref row, (nuint)(3 * c)), b3);
                }

                (b0 + e0).StoreUnsafe(ref d, (nuint)column);
                (b1 + e1).StoreUnsafe(ref d, (nuint)(column + c));
                (b2 + e2).StoreUnsafe(ref d, (nuint)(column + (2 * c)));
                (b3 + e3).StoreUnsafe(ref d, (nuint)(column + (3 * c)));
            }

            for (; column <= length - Vector256<T>.Count; column += Vector256<T>.Count)
            {
                // Eight accumulators over the rows cover the FMA latency (4 cycles at 2 per cycle).
                var a0 = accumulate ? Vector256.LoadUnsafe(ref d, (nuint)column) : Vector256<T>.Zero;
                var a1 = Vector256<T>.Zero;
                var a2 = Vector256<T>.Zero;
                var a3 = Vector256<T>.Zero;
                var a4 = Vector256<T>.Zero;
                var a5 = Vector256<T>.Zero;
                var a6 = Vector256<T>.Zero;
                var a7 = Vector256<T>.Zero;
                ref var at = ref Unsafe.Add(ref r, column);
                var j = 0;
                for (; j <= count - 8; j += 8)
                {
                    ref var row = ref Unsafe.Add(ref at, j * rowStride);
                    ref var weights = ref Unsafe.Add(ref w, j);
                    a0 = MulAdd(Vector256.Create(weights), Vector256.LoadUnsafe(ref row), a0);
                    a1 = MulAdd(Vector256.Create(Unsafe.Add(ref weights, 1)), Vector256.LoadUnsafe(ref row, (nuint)rowStride), a1);
                    a2 = MulAdd(Vector256.Create(Unsafe.Add(ref weights, 2)), Vector256.LoadUnsafe(ref row, (nuint)(2 * rowStride)), a2);
                    a3 = MulAdd(Vector256.Create(Unsafe.Add(ref weights, 3)), Vector256.LoadUnsafe(ref row, (nuint)(3 * rowStride)), a3);
                    a4 = MulAdd(Vector256.Create(Unsafe.Add(ref weights, 4)), Vector256.LoadUnsafe(ref row, (nuint)(4 * rowStride)), a4);
                    a5 = MulAdd(Vector256.Create(Unsafe.Add(ref weights, 5)), Vector256.LoadUnsafe(ref row, (nuint)(5 * rowStride)), a5);
                    a6 = MulAdd(Vector256.Create(Unsafe.Add(ref weights, 6)), Vector256.LoadUnsafe(ref row, (nuint)(6 * rowStride)), a6);
                    a7 = MulAdd(Vector256.Create(Unsafe.Add(ref weights, 7)), Vector256.LoadUnsafe(ref row, (nuint)(7 * rowStride)), a7);
                }

                for (; j < count; j++)
                {
                    a0 = MulAdd(Vector256.Create(Unsafe.Add(ref w, j)), Vector256.LoadUnsafe(ref at, (nuint)(j * rowStride)), a0);
                }

                (((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7))).StoreUnsafe(ref d, (nuint)column);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            // Four column blocks share each coefficient's broadcast. Even and odd rows go to separate accumulators:
            // eight independent chains cover the FMA latency (4 cycles at 2 per cycle), which four would not.
            for (; column <= length - (4 * Vector128<T>.Count); column += 4 * Vector128<T>.Count)
            {
                var c = Vector128<T>.Count;
                var b0 = accumulate ? Vector128.LoadUnsafe(ref d, (nuint)column) : Vector128<T>.Zero;
                var b1 = accumulate ? Vector128.LoadUnsafe(ref d, (nuint)(column + c)) : Vector128<T>.Zero;
                var b2 = accumulate ? Vector128.LoadUnsafe(ref d, (nuint)(column + (2 * c))) : Vector128<T>.Zero;
                var b3 = accumulate ? Vector128.LoadUnsafe(ref d, (nuint)(column + (3 * c))) : Vector128<T>.Zero;
                var e0 = Vector128<T>.Zero;
                var e1 = Vector128<T>.Zero;
                var e2 = Vector128<T>.Zero;
                var e3 = Vector128<T>.Zero;
                ref var at = ref Unsafe.Add(ref r, column);
                var j = 0;
                for (; j <= count - 2; j += 2)
                {
                    var weight = Vector128.Create(Unsafe.Add(ref w, j));
                    ref var row = ref Unsafe.Add(ref at, j * rowStride);
                    b0 = MulAdd(weight, Vector128.LoadUnsafe(ref row), b0);
                    b1 = MulAdd(weight, Vector128.LoadUnsafe(ref row, (nuint)c), b1);
                    b2 = MulAdd(weight, Vector128.LoadUnsafe(ref row, (nuint)(2 * c)), b2);
                    b3 = MulAdd(weight, Vector128.LoadUnsafe(ref row, (nuint)(3 * c)), b3);
                    var next = Vector128.Create(Unsafe.Add(ref w, j + 1));
                    ref var nextRow = ref Unsafe.Add(ref row, rowStride);
                    e0 = MulAdd(next, Vector128.LoadUnsafe(ref nextRow), e0);
                    e1 = MulAdd(next, Vector128.LoadUnsafe(ref nextRow, (nuint)c), e1);
                    e2 = MulAdd(next, Vector128.LoadUnsafe(ref nextRow, (nuint)(2 * c)), e2);
                    e3 = MulAdd(next, Vector128.LoadUnsafe(ref nextRow, (nuint)(3 * c)), e3);
                }

                if (j < count)
                {
                    var weight = Vector128.Create(Unsafe.Add(ref w, j));
                    ref var row = ref Unsafe.Add(ref at, j * rowStride);
                    b0 = MulAdd(weight, Vector128.LoadUnsafe(ref row), b0);
                    b1 = MulAdd(weight, Vector128.LoadUnsafe(ref row, (nuint)c), b1);
                    b2 = MulAdd(weight, Vector128.LoadUnsafe(ref row, (nuint)(2 * c)), b2);
                    b3 = MulAdd(weight, Vector128.LoadUnsafe(ref row, (nuint)(3 * c)), b3);
                }

                (b0 + e0).StoreUnsafe(ref d, (nuint)column);
                (b1 + e1).StoreUnsafe(ref d, (nuint)(column + c));
                (b2 + e2).StoreUnsafe(ref d, (nuint)(column + (2 * c)));
                (b3 + e3).StoreUnsafe(ref d, (nuint)(column + (3 * c)));
            }

            for (; column <= length - Vector128<T>.Count; column += Vector128<T>.Count)
            {
                // Eight accumulators over the rows cover the FMA latency (4 cycles at 2 per cycle).
                var a0 = accumulate ? Vector128.LoadUnsafe(ref d, (nuint)column) : Vector128<T>.Zero;
                var a1 = Vector128<T>.Zero;
                var a2 = Vector128<T>.Zero;
                var a3 = Vector128<T>.Zero;
                var a4 = Vector128<T>.Zero;
                var a5 = Vector128<T>.Zero;
                var a6 = Vector128<T>.Zero;
                var a7 = Vector128<T>.Zero;
                ref var at = ref Unsafe.Add(ref r, column);
                var j = 0;
                for (; j <= count - 8; j += 8)
                {
                    ref var row = ref Unsafe.Add(ref at, j * rowStride);
                    ref var weights = ref Unsafe.Add(ref w, j);
                    a0 = MulAdd(Vector128.Create(weights), Vector128.LoadUnsafe(ref row), a0);
                    a1 = MulAdd(Vector128.Create(Unsafe.Add(ref weights, 1)), Vector128.LoadUnsafe(ref row, (nuint)rowStride), a1);
                    a2 = MulAdd(Vector128.Create(Unsafe.Add(ref weights, 2)), Vector128.LoadUnsafe(ref row, (nuint)(2 * rowStride)), a2);
                    a3 = MulAdd(Vector128.Create(Unsafe.Add(ref weights, 3)), Vector128.LoadUnsafe(ref row, (nuint)(3 * rowStride)), a3);
                    a4 = MulAdd(Vector128.Create(Unsafe.Add(ref weights, 4)), Vector128.LoadUnsafe(ref row, (nuint)(4 * rowStride)), a4);
                    a5 = MulAdd(Vector128.Create(Unsafe.Add(ref weights, 5)), Vector128.LoadUnsafe(ref row, (nuint)(5 * rowStride)), a5);
                    a6 = MulAdd(Vector128.Create(Unsafe.Add(ref weights, 6)), Vector128.LoadUnsafe(ref row, (nuint)(6 * rowStride)), a6);
                    a7 = MulAdd(Vector128.Create(Unsafe.Add(ref weights, 7)), Vector128.LoadUnsafe(ref row, (nuint)(7 * rowStride)), a7);
                }

                for (; j < count; j++)
                {
                    a0 = MulAdd(Vector128.Create(Unsafe.Add(ref w, j)), Vector128.LoadUnsafe(ref at, (nuint)(j * rowStride)), a0);
                }

                (((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7))).StoreUnsafe(ref d, (nuint)column);
            }
        }
        for (; column < length; column++)
        {
            var sum = accumulate ? Unsafe.Add(ref d, column) : T.Zero;
            for (var j = 0; j < count; j++)
            {
                sum = (Unsafe.Add(ref w, j) * Unsafe.Add(ref r, (j * rowStride) + column)) + sum;
            }

            Unsafe.Add(ref d, column) = sum;
        }
    }

    /// <summary>
    /// Writes (or adds) the matrix-vector product: destination[r] (+)= Σ_c matrix[r · C + c] · vector[c], with C the
    /// length of <paramref name="vector"/> and one row per element of <paramref name="destination"/>. Four rows share
    /// each load of the vector.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="matrix">Row-major [rows, C], exactly rows × C long.</param>
    /// <param name="vector">The vector, C long.</param>
    /// <param name="destination">The result, one element per row.</param>
    /// <param name="accumulate">Whether to add to <paramref name="destination"/> instead of overwriting it.</param>
    public static void MatrixVector<T>(ReadOnlySpan<T> matrix, ReadOnlySpan<T> vector, Span<T> destination, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rows = destination.Length;
        var columns = vector.Length;
        KernelArguments.MatrixVector(matrix.Length, rows, columns);
        ref var m = ref MemoryMarshal.GetReference(matrix);
        ref var x = ref MemoryMarshal.GetReference(vector);
        ref var y = ref MemoryMarshal.GetReference(destination);
        var r = 0;
        for (; r <= rows - 4; r += 4)
        {
            ref var m0 = ref Unsafe.Add(ref m, r * columns);
            ref var m1 = ref Unsafe.Add(ref m0, columns);
            ref var m2 = ref Unsafe.Add(ref m1, columns);
            ref var m3 = ref Unsafe.Add(ref m2, columns);
            var s0 = T.Zero;
            var s1 = T.Zero;
            var s2 = T.Zero;
            var s3 = T.Zero;
            var c = 0;
            if (Vector512.IsHardwareAccelerated && columns - c >= Vector512<T>.Count)
            {
                var a0 = Vector512<T>.Zero;
                var a1 = Vector512<T>.Zero;
                var a2 = Vector512<T>.Zero;
                var a3 = Vector512<T>.Zero;
                for (; c <= columns - Vector512<T>.Count; c += Vector512<T>.Count)
                {
                    var xv = Vector512.LoadUnsafe(ref x, (nuint)c);
                    a0 = MulAdd(Vector512.LoadUnsafe(ref m0, (nuint)c), xv, a0);
                    a1 = MulAdd(Vector512.LoadUnsafe(ref m1, (nuint)c), xv, a1);
                    a2 = MulAdd(Vector512.LoadUnsafe(ref m2, (nuint)c), xv, a2);
                    a3 = MulAdd(Vector512.LoadUnsafe(ref m3, (nuint)c), xv, a3);
                }

                s0 += Sum(a0);
                s1 += Sum(a1);
                s2 += Sum(a2);
                s3 += Sum(a3);
            }

            if (Vector256.IsHardwareAccelerated && columns - c >= Vector256<T>.Count)
            {
                var a0 = Vector256<T>.Zero;
                var a1 = Vector256<T>.Zero;
                var a2 = Vector256<T>.Zero;
                var a3 = Vector256<T>.Zero;
                for (; c <= columns - Vector256<T>.Count; c += Vector256<T>.Count)
                {
                    var xv = Vector256.LoadUnsafe(ref x, (nuint)c);
                    a0 = MulAdd(Vector256.LoadUnsafe(ref m0, (nuint)c), xv, a0);
                    a1 = MulAdd(Vector256.LoadUnsafe(ref m1, (nuint)c), xv, a1);
                    a2 = MulAdd(Vector256.LoadUnsafe(ref m2, (nuint)c), xv, a2);
                    a3 = MulAdd(Vector256.LoadUnsafe(ref m3, (nuint)c), xv, a3);
                }

                s0 += Sum(a0);
                s1 += Sum(a1);
                s2 += Sum(a2);
                s3 += Sum(a3);
            }

            if (Vector128.IsHardwareAccelerated && columns - c >= Vector128<T>.Count)
            {
                var a0 = Vector128<T>.Zero;
                var a1 = Vector128<T>.Zero;
                var a2 = Vector128<T>.Zero;
                var a3 = Vector128<T>.Zero;
                for (; c <= columns - Vector128<T>.Count; c += Vector128<T>.Count)
                {
                    var xv = Vector128.LoadUnsafe(ref x, (nuint)c);
                    a0 = MulAdd(Vector128.LoadUnsafe(ref m0, (nuint)c), xv, a0);
                    a1 = MulAdd(Vector128.LoadUnsafe(ref m1, (nuint)c), xv, a1);
                    a2 = MulAdd(Vector128.LoadUnsafe(ref m2, (nuint)c), xv, a2);
                    a3 = MulAdd(Vector128.LoadUnsafe(ref m3, (nuint)c), xv, a3);
                }

                s0 += Sum(a0);
                s1 += Sum(a1);
                s2 += Sum(a2);
                s3 += Sum(a3);
            }
            for (; c < columns; c++)
            {
                var xc = Unsafe.Add(ref x, c);
                s0 = (Unsafe.Add(ref m0, c) * xc) + s0;
                s1 = (Unsafe.Add(ref m1, c) * xc) + s1;
                s2 = (Unsafe.Add(ref m2, c) * xc) + s2;
                s3 = (Unsafe.Add(ref m3, c) * xc) + s3;
            }

            if (accumulate)
            {
                s0 += Unsafe.Add(ref y, r);
                s1 += Unsafe.Add(ref y, r + 1);
                s2 += Unsafe.Add(ref y, r + 2);
                s3 += Unsafe.Add(ref y, r + 3);
            }

            Unsafe.Add(ref y, r) = s0;
            Unsafe.Add(ref y, r + 1) = s1;
            Unsafe.Add(ref y, r + 2) = s2;
            Unsafe.Add(ref y, r + 3) = s3;
        }

        for (; r < rows; r++)
        {
            var dot = Dot(ref Unsafe.Add(ref m, r * columns), ref x, columns);
            Unsafe.Add(ref y, r) = accumulate ? Unsafe.Add(ref y, r) + dot : dot;
        }
    }

    /// <summary>
    /// Replaces <paramref name="values"/> with their softmax: e^(x_j − max) / Σ e^(x_k − max). Subtracting the maximum
    /// keeps every exponent at or below 0, so huge scores (±1e4 and beyond) cannot overflow; the largest term is 1, so
    /// the sum is at least 1 and never 0. An empty span is left as is; NaN anywhere gives NaN everywhere.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="values">Scores in, probabilities out.</param>
    public static void Softmax<T>(Span<T> values)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Softmax(values, T.One);

    /// <summary>
    /// Replaces <paramref name="values"/> with softmax(<paramref name="scale"/> · values), the scale folded into the
    /// exponent's argument (e^(scale·x_j − scale·max)) so scaled dot-product attention needs no separate pass.
    /// </summary>
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
    /// The unnormalized half of <see cref="Softmax{T}(Span{T}, T)"/>: replaces <paramref name="values"/> with
    /// e^(scale·x_j − scale·max) and returns their sum (at least 1 for a non-empty span, so dividing by it is safe).
    /// A weighted sum of values can then be divided by the sum once, instead of normalizing every weight.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="values">Scores in, unnormalized weights out.</param>
    /// <param name="scale">A positive factor (1/√d for scaled dot-product attention).</param>
    /// <returns>The sum of the weights; 0 for an empty span.</returns>
    public static T SoftmaxNumerators<T>(Span<T> values, T scale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        KernelArguments.SoftmaxScale(scale);

        var length = values.Length;
        if (length == 0)
        {
            return T.Zero;
        }

        ref var v = ref MemoryMarshal.GetReference(values);
        var max = Max(ref v, length);
        var sum = T.Zero;
        var shift = -scale * max;
        var i = 0;
        if (Vector512.IsHardwareAccelerated && length - i >= Vector512<T>.Count)
        {
            var factor = Vector512.Create(scale);
            var offset = Vector512.Create(shift);
            var s = Vector512<T>.Zero;
            for (; i <= length - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                // min(0, ·): with a scale ≠ 1, rounding can leave the largest term a hair above 0 (0 first: x86's min passes NaN on).
                var e = ExpNonPositive(Vector512.Min(Vector512<T>.Zero, MulAdd(factor, Vector512.LoadUnsafe(ref v, (nuint)i), offset)));
                e.StoreUnsafe(ref v, (nuint)i);
                s += e;
            }

            sum += Sum(s);
        }

        if (Vector256.IsHardwareAccelerated && length - i >= Vector256<T>.Count)
        {
            var factor = Vector256.Create(scale);
            var offset = Vector256.Create(shift);
            var s = Vector256<T>.Zero;
            for (; i <= length - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                // min(0, ·): with a scale ≠ 1, rounding can leave the largest term a hair above 0 (0 first: x86's min passes NaN on).
                var e = ExpNonPositive(Vector256.Min(Vector256<T>.Zero, MulAdd(factor, Vector256.LoadUnsafe(ref v, (nuint)i), offset)));
                e.StoreUnsafe(ref v, (nuint)i);
                s += e;
            }

            sum += Sum(s);
        }

        if (Vector128.IsHardwareAccelerated && length - i >= Vector128<T>.Count)
        {
            var factor = Vector128.Create(scale);
            var offset = Vector128.Create(shift);
            var s = Vector128<T>.Zero;
            for (; i <= length - Vector128<T>.Count; i += Vector128<T>.Count)
            {
                // min(0, ·): with a scale ≠ 1, rounding can leave the largest term a hair above 0 (0 first: x86's min passes NaN on).
                var e = ExpNonPositive(Vector128.Min(Vector128<T>.Zero, MulAdd(factor, Vector128.LoadUnsafe(ref v, (nuint)i), offset)));
                e.StoreUnsafe(ref v, (nuint)i);
                s += e;
            }

            sum += Sum(s);
        }
        for (; i < length; i++)
        {
            var e = Exp(T.Min(T.Zero, (scale * Unsafe.Add(ref v, i)) + shift));
            Unsafe.Add(ref v, i) = e;
            sum += e;
        }

        return sum;
    }

    /// <summary>
    /// The backward of <see cref="Softmax{T}(Span{T})"/>: given its output p and dL/dp, writes dL/dx_j = p_j (dL/dp_j − Σ_k p_k dL/dp_k).
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="probabilities">The softmax output p.</param>
    /// <param name="gradient">dL/dp, as long as p.</param>
    /// <param name="destination">dL/dx, as long as p; may be the same span as <paramref name="gradient"/>.</param>
    public static void SoftmaxBackward<T>(ReadOnlySpan<T> probabilities, ReadOnlySpan<T> gradient, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        KernelArguments.SoftmaxBackward(probabilities.Length, gradient.Length, destination.Length);
        ref var p = ref MemoryMarshal.GetReference(probabilities);
        ref var g = ref MemoryMarshal.GetReference(gradient);
        ref var d = ref MemoryMarshal.GetReference(destination);
        var length = probabilities.Length;
        var mean = Dot(ref p, ref g, length);
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var m = Vector512.Create(mean);
            for (; i <= length - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                (Vector512.LoadUnsafe(ref p, (nuint)i) * (Vector512.LoadUnsafe(ref g, (nuint)i) - m)).StoreUnsafe(ref d, (nuint)i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            var m = Vector256.Create(mean);
            for (; i <= length - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                (Vector256.LoadUnsafe(ref p, (nuint)i) * (Vector256.LoadUnsafe(ref g, (nuint)i) - m)).StoreUnsafe(ref d, (nuint)i);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            var m = Vector128.Create(mean);
            for (; i <= length - Vector128<T>.Count; i += Vector128<T>.Count)
            {
                (Vector128.LoadUnsafe(ref p, (nuint)i) * (Vector128.LoadUnsafe(ref g, (nuint)i) - m)).StoreUnsafe(ref d, (nuint)i);
            }
        }
        for (; i < length; i++)
        {
            Unsafe.Add(ref d, i) = Unsafe.Add(ref p, i) * (Unsafe.Add(ref g, i) - mean);
        }
    }

    /// <summary>
    /// The additive (Bahdanau) score of every key: scores[j] = Σ_a v[a] · tanh(query[a] + keys[j·A + a]), where A is
    /// the length of <paramref name="query"/> and the keys are already projected (W_k k_j) and stored row after row.
    /// </summary>
    /// <remarks>
    /// tanh is computed as sign(x)·(1 − e)/(1 + e) with e = e^(−2|x|) on every lane: half the work of
    /// <see cref="VectorMath.Tanh(float)"/>, which also evaluates a polynomial for small |x| to keep a small relative
    /// error. A score is a sum of tanh values, so only their absolute error matters, and this form's is below 2.4e-7
    /// (float) and 4.5e-16 (double) everywhere.
    /// </remarks>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="projectedKeys">[count, A], at least scores.Length × A long.</param>
    /// <param name="query">The projected query W_q q + b, A long.</param>
    /// <param name="scoreWeight">v, A long.</param>
    /// <param name="scores">Receives one score per key.</param>
    public static void AdditiveScores<T>(ReadOnlySpan<T> projectedKeys, ReadOnlySpan<T> query, ReadOnlySpan<T> scoreWeight, Span<T> scores)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var size = query.Length;
        KernelArguments.AdditiveScores(projectedKeys.Length, size, scoreWeight.Length, scores.Length);

        ref var u = ref MemoryMarshal.GetReference(query);
        ref var v = ref MemoryMarshal.GetReference(scoreWeight);
        for (var j = 0; j < scores.Length; j++)
        {
            ref var k = ref Unsafe.Add(ref MemoryMarshal.GetReference(projectedKeys), j * size);
            var a = 0;
            var sum = T.Zero;
            if (Vector512.IsHardwareAccelerated && size - a >= Vector512<T>.Count)
            {
                var s = Vector512<T>.Zero;
                for (; a <= size - Vector512<T>.Count; a += Vector512<T>.Count)
                {
                    var t = TanhByExp(Vector512.LoadUnsafe(ref u, (nuint)a) + Vector512.LoadUnsafe(ref k, (nuint)a));
                    s = MulAdd(Vector512.LoadUnsafe(ref v, (nuint)a), t, s);
                }

                sum += Sum(s);
            }

            if (Vector256.IsHardwareAccelerated && size - a >= Vector256<T>.Count)
            {
                var s = Vector256<T>.Zero;
                for (; a <= size - Vector256<T>.Count; a += Vector256<T>.Count)
                {
                    var t = TanhByExp(Vector256.LoadUnsafe(ref u, (nuint)a) + Vector256.LoadUnsafe(ref k, (nuint)a));
                    s = MulAdd(Vector256.LoadUnsafe(ref v, (nuint)a), t, s);
                }

                sum += Sum(s);
            }

            if (Vector128.IsHardwareAccelerated && size - a >= Vector128<T>.Count)
            {
                var s = Vector128<T>.Zero;
                for (; a <= size - Vector128<T>.Count; a += Vector128<T>.Count)
                {
                    var t = TanhByExp(Vector128.LoadUnsafe(ref u, (nuint)a) + Vector128.LoadUnsafe(ref k, (nuint)a));
                    s = MulAdd(Vector128.LoadUnsafe(ref v, (nuint)a), t, s);
                }

                sum += Sum(s);
            }
            for (; a < size; a++)
            {
                sum = (Unsafe.Add(ref v, a) * TanhByExp(Unsafe.Add(ref u, a) + Unsafe.Add(ref k, a))) + sum;
            }

            scores[j] = sum;
        }
    }

    /// <summary>
    /// The backward of <see cref="AdditiveScores{T}"/>: for each key j with a nonzero dL/dscore_j, recomputes
    /// t = tanh(query + key_j) and adds dL/dscore_j · t to the gradient of v, and dL/dscore_j · v ⊙ (1 − t²) to the
    /// gradients of the projected key and of the projected query.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="projectedKeys">[count, A], as given to the forward.</param>
    /// <param name="query">The projected query, A long.</param>
    /// <param name="scoreWeight">v, A long.</param>
    /// <param name="scoreGradient">dL/dscores, count long.</param>
    /// <param name="projectedKeyGradient">[count, A]; added to.</param>
    /// <param name="queryGradient">A long; added to.</param>
    /// <param name="scoreWeightGradient">A long; added to.</param>
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
        for (var j = 0; j < count; j++)
        {
            var g = scoreGradient[j];
            if (g == T.Zero)
            {
                continue;
            }

            ref var k = ref Unsafe.Add(ref MemoryMarshal.GetReference(projectedKeys), j * size);
            ref var dk = ref Unsafe.Add(ref MemoryMarshal.GetReference(projectedKeyGradient), j * size);
            var a = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                var gv = Vector512.Create(g);
                for (; a <= size - Vector512<T>.Count; a += Vector512<T>.Count)
                {
                    var t = TanhByExp(Vector512.LoadUnsafe(ref u, (nuint)a) + Vector512.LoadUnsafe(ref k, (nuint)a));
                    MulAdd(gv, t, Vector512.LoadUnsafe(ref dv, (nuint)a)).StoreUnsafe(ref dv, (nuint)a);
                    var e = gv * Vector512.LoadUnsafe(ref v, (nuint)a) * (Vector512<T>.One - (t * t));
                    (Vector512.LoadUnsafe(ref dk, (nuint)a) + e).StoreUnsafe(ref dk, (nuint)a);
                    (Vector512.LoadUnsafe(ref du, (nuint)a) + e).StoreUnsafe(ref du, (nuint)a);
                }
            }

            if (Vector256.IsHardwareAccelerated)
            {
                var gv = Vector256.Create(g);
                for (; a <= size - Vector256<T>.Count; a += Vector256<T>.Count)
                {
                    var t = TanhByExp(Vector256.LoadUnsafe(ref u, (nuint)a) + Vector256.LoadUnsafe(ref k, (nuint)a));
                    MulAdd(gv, t, Vector256.LoadUnsafe(ref dv, (nuint)a)).StoreUnsafe(ref dv, (nuint)a);
                    var e = gv * Vector256.LoadUnsafe(ref v, (nuint)a) * (Vector256<T>.One - (t * t));
                    (Vector256.LoadUnsafe(ref dk, (nuint)a) + e).StoreUnsafe(ref dk, (nuint)a);
                    (Vector256.LoadUnsafe(ref du, (nuint)a) + e).StoreUnsafe(ref du, (nuint)a);
                }
            }

            if (Vector128.IsHardwareAccelerated)
            {
                var gv = Vector128.Create(g);
                for (; a <= size - Vector128<T>.Count; a += Vector128<T>.Count)
                {
                    var t = TanhByExp(Vector128.LoadUnsafe(ref u, (nuint)a) + Vector128.LoadUnsafe(ref k, (nuint)a));
                    MulAdd(gv, t, Vector128.LoadUnsafe(ref dv, (nuint)a)).StoreUnsafe(ref dv, (nuint)a);
                    var e = gv * Vector128.LoadUnsafe(ref v, (nuint)a) * (Vector128<T>.One - (t * t));
                    (Vector128.LoadUnsafe(ref dk, (nuint)a) + e).StoreUnsafe(ref dk, (nuint)a);
                    (Vector128.LoadUnsafe(ref du, (nuint)a) + e).StoreUnsafe(ref du, (nuint)a);
                }
            }
            for (; a < size; a++)
            {
                var t = TanhByExp(Unsafe.Add(ref u, a) + Unsafe.Add(ref k, a));
                Unsafe.Add(ref dv, a) += g * t;
                var e = g * Unsafe.Add(ref v, a) * (T.One - (t * t));
                Unsafe.Add(ref dk, a) += e;
                Unsafe.Add(ref du, a) += e;
            }
        }
    }

    /// <summary>Writes the transpose of a row-major [rows, columns] block: destination[c · destinationStride + r] = source[r · sourceStride + c].</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="source">The block's elements.</param>
    /// <param name="rows">Rows of the block.</param>
    /// <param name="columns">Columns of the block.</param>
    /// <param name="sourceStride">Distance between source rows, at least <paramref name="columns"/>.</param>
    /// <param name="destination">Receives the transposed block.</param>
    /// <param name="destinationStride">Distance between destination rows, at least <paramref name="rows"/>.</param>
    public static void Transpose<T>(ReadOnlySpan<T> source, int rows, int columns, int sourceStride, Span<T> destination, int destinationStride)
        where T : unmanaged
    {
        if (rows < 0 || columns < 0 || sourceStride < columns || destinationStride < rows)
        {
            throw new ArgumentOutOfRangeException(nameof(rows), $"Transpose needs 0 ≤ rows ≤ destinationStride and 0 ≤ columns ≤ sourceStride; got rows {rows}, columns {columns}, strides {sourceStride} and {destinationStride}.");
        }

        if (rows == 0 || columns == 0)
        {
            return;
        }

        Guard.AtLeast(source.Length, ((long)(rows - 1) * sourceStride) + columns, nameof(source), "(rows − 1) × sourceStride + columns = ({0} − 1) × {1} + {2}", rows, sourceStride, columns);
        Guard.AtLeast(destination.Length, ((long)(columns - 1) * destinationStride) + rows, nameof(destination), "(columns − 1) × destinationStride + rows = ({0} − 1) × {1} + {2}", columns, destinationStride, rows);
        for (var r = 0; r < rows; r++)
        {
            var row = source.Slice(r * sourceStride, columns);
            for (var c = 0; c < columns; c++)
            {
                destination[(c * destinationStride) + r] = row[c];
            }
        }
    }

    /// <summary>The largest of <paramref name="length"/> ≥ 1 values (NaN propagates on the vector paths, as x86's max does).</summary>
    private static T Max<T>(ref T v, int length)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var max = v;
        var i = 0;
        if (Vector512.IsHardwareAccelerated && length - i >= Vector512<T>.Count)
        {
            var m = Vector512.Create(max);
            for (; i <= length - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                m = Vector512.Max(m, Vector512.LoadUnsafe(ref v, (nuint)i));
            }

            max = T.Max(max, MaxAcross(m));
        }

        if (Vector256.IsHardwareAccelerated && length - i >= Vector256<T>.Count)
        {
            var m = Vector256.Create(max);
            for (; i <= length - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                m = Vector256.Max(m, Vector256.LoadUnsafe(ref v, (nuint)i));
            }

            max = T.Max(max, MaxAcross(m));
        }

        if (Vector128.IsHardwareAccelerated && length - i >= Vector128<T>.Count)
        {
            var m = Vector128.Create(max);
            for (; i <= length - Vector128<T>.Count; i += Vector128<T>.Count)
            {
                m = Vector128.Max(m, Vector128.LoadUnsafe(ref v, (nuint)i));
            }

            max = T.Max(max, MaxAcross(m));
        }

        for (; i < length; i++)
        {
            max = T.Max(max, Unsafe.Add(ref v, i));
        }

        return max;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> MulAdd<T>(Vector512<T> a, Vector512<T> b, Vector512<T> c)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            return VectorMath.MulAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        }

        return VectorMath.MulAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> ExpNonPositive<T>(Vector512<T> x)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            return VectorMath.ExpNonPositive(x.AsSingle()).As<float, T>();
        }

        return VectorMath.ExpNonPositive(x.AsDouble()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> TanhByExp<T>(Vector512<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var magnitude = Vector512.Abs(x);
        var e = ExpNonPositive(-(magnitude + magnitude));
        var r = (Vector512<T>.One - e) / (Vector512<T>.One + e);
        return r | (x & Vector512.Create(-T.Zero));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> MulAdd<T>(Vector256<T> a, Vector256<T> b, Vector256<T> c)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            return VectorMath.MulAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        }

        return VectorMath.MulAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> ExpNonPositive<T>(Vector256<T> x)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            return VectorMath.ExpNonPositive(x.AsSingle()).As<float, T>();
        }

        return VectorMath.ExpNonPositive(x.AsDouble()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> TanhByExp<T>(Vector256<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var magnitude = Vector256.Abs(x);
        var e = ExpNonPositive(-(magnitude + magnitude));
        var r = (Vector256<T>.One - e) / (Vector256<T>.One + e);
        return r | (x & Vector256.Create(-T.Zero));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<T> MulAdd<T>(Vector128<T> a, Vector128<T> b, Vector128<T> c)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            return VectorMath.MulAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        }

        return VectorMath.MulAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<T> ExpNonPositive<T>(Vector128<T> x)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            return VectorMath.ExpNonPositive(x.AsSingle()).As<float, T>();
        }

        return VectorMath.ExpNonPositive(x.AsDouble()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<T> TanhByExp<T>(Vector128<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var magnitude = Vector128.Abs(x);
        var e = ExpNonPositive(-(magnitude + magnitude));
        var r = (Vector128<T>.One - e) / (Vector128<T>.One + e);
        return r | (x & Vector128.Create(-T.Zero));
    }

    // Folding halves before the final 128-bit sum is shorter than reducing each 128-bit quarter separately.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Sum<T>(Vector512<T> v)
        where T : unmanaged
        => Sum(v.GetLower() + v.GetUpper());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Sum<T>(Vector256<T> v)
        where T : unmanaged
        => Vector128.Sum(v.GetLower() + v.GetUpper());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Sum<T>(Vector128<T> v)
        where T : unmanaged
        => Vector128.Sum(v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T TanhByExp<T>(T x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var magnitude = T.Abs(x);
        var e = Exp(-(magnitude + magnitude));
        return T.CopySign((T.One - e) / (T.One + e), x);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T MaxAcross<T>(Vector512<T> v)
        where T : unmanaged, IFloatingPointIeee754<T>
        => MaxAcross(Vector256.Max(v.GetLower(), v.GetUpper()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T MaxAcross<T>(Vector256<T> v)
        where T : unmanaged, IFloatingPointIeee754<T>
        => MaxAcross(Vector128.Max(v.GetLower(), v.GetUpper()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T MaxAcross<T>(Vector128<T> v)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var max = v.GetElement(0);
        for (var lane = 1; lane < Vector128<T>.Count; lane++)
        {
            max = T.Max(max, v.GetElement(lane));
        }

        return max;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Exp<T>(T x)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            var r = VectorMath.ExpNonPositive(Unsafe.As<T, float>(ref x));
            return Unsafe.As<float, T>(ref r);
        }

        var d = VectorMath.ExpNonPositive(Unsafe.As<T, double>(ref x));
        return Unsafe.As<double, T>(ref d);
    }
}

using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Simd.Benchmarks;

/// <summary>Machine-limit kernels that the LSTM timings are compared against.</summary>
public static class Calibration
{
    /// <summary>Iterations of <see cref="FmaPeakV512"/> and <see cref="FmaPeakV256"/>.</summary>
    public const int FmaIterations = 4096;

    /// <summary>FLOPs per <see cref="FmaPeakV512"/> call: iterations × 8 accumulators × 16 lanes × 2.</summary>
    public const double FmaV512Flops = FmaIterations * 8.0 * 16 * 2;

    /// <summary>FLOPs per <see cref="FmaPeakV256"/> call: iterations × 12 accumulators × 8 lanes × 2.</summary>
    public const double FmaV256Flops = FmaIterations * 12.0 * 8 * 2;

    /// <summary>
    /// Sum of squares of <paramref name="data"/> with eight independent Vector512 (or Vector256) accumulators: one
    /// streaming pass over the buffer, i.e. the time to read that many bytes once from wherever they live.
    /// </summary>
    /// <param name="data">Buffer to read.</param>
    /// <returns>The sum (returned so the JIT cannot drop the loop).</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float StreamingDot(float[] data)
    {
        ref float p = ref MemoryMarshal.GetArrayDataReference(data);
        int n = data.Length;
        int i = 0;
        float sum = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
            for (; i + 128 <= n; i += 128)
            {
                var v0 = Vector512.LoadUnsafe(ref p, (nuint)i);
                var v1 = Vector512.LoadUnsafe(ref p, (nuint)(i + 16));
                var v2 = Vector512.LoadUnsafe(ref p, (nuint)(i + 32));
                var v3 = Vector512.LoadUnsafe(ref p, (nuint)(i + 48));
                var v4 = Vector512.LoadUnsafe(ref p, (nuint)(i + 64));
                var v5 = Vector512.LoadUnsafe(ref p, (nuint)(i + 80));
                var v6 = Vector512.LoadUnsafe(ref p, (nuint)(i + 96));
                var v7 = Vector512.LoadUnsafe(ref p, (nuint)(i + 112));
                s0 = Vector512.FusedMultiplyAdd(v0, v0, s0);
                s1 = Vector512.FusedMultiplyAdd(v1, v1, s1);
                s2 = Vector512.FusedMultiplyAdd(v2, v2, s2);
                s3 = Vector512.FusedMultiplyAdd(v3, v3, s3);
                s4 = Vector512.FusedMultiplyAdd(v4, v4, s4);
                s5 = Vector512.FusedMultiplyAdd(v5, v5, s5);
                s6 = Vector512.FusedMultiplyAdd(v6, v6, s6);
                s7 = Vector512.FusedMultiplyAdd(v7, v7, s7);
            }
            sum = Vector512.Sum(((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)));
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
            for (; i + 64 <= n; i += 64)
            {
                var v0 = Vector256.LoadUnsafe(ref p, (nuint)i);
                var v1 = Vector256.LoadUnsafe(ref p, (nuint)(i + 8));
                var v2 = Vector256.LoadUnsafe(ref p, (nuint)(i + 16));
                var v3 = Vector256.LoadUnsafe(ref p, (nuint)(i + 24));
                var v4 = Vector256.LoadUnsafe(ref p, (nuint)(i + 32));
                var v5 = Vector256.LoadUnsafe(ref p, (nuint)(i + 40));
                var v6 = Vector256.LoadUnsafe(ref p, (nuint)(i + 48));
                var v7 = Vector256.LoadUnsafe(ref p, (nuint)(i + 56));
                s0 = Vector256.FusedMultiplyAdd(v0, v0, s0);
                s1 = Vector256.FusedMultiplyAdd(v1, v1, s1);
                s2 = Vector256.FusedMultiplyAdd(v2, v2, s2);
                s3 = Vector256.FusedMultiplyAdd(v3, v3, s3);
                s4 = Vector256.FusedMultiplyAdd(v4, v4, s4);
                s5 = Vector256.FusedMultiplyAdd(v5, v5, s5);
                s6 = Vector256.FusedMultiplyAdd(v6, v6, s6);
                s7 = Vector256.FusedMultiplyAdd(v7, v7, s7);
            }
            sum = Vector256.Sum(((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)));
        }
        for (; i < n; i++)
        {
            sum += Unsafe.Add(ref p, i) * Unsafe.Add(ref p, i);
        }
        return sum;
    }

    /// <summary>
    /// <see cref="FmaIterations"/> × 8 independent 512-bit FMAs (8 chains hide the 4-cycle latency at 1 zmm FMA per cycle
    /// on Zen 4). Falls back to <see cref="FmaPeakV256"/> without AVX-512.
    /// </summary>
    /// <param name="seed">Start value (a parameter so nothing is constant-folded).</param>
    /// <returns>A value depending on every accumulator.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float FmaPeakV512(float seed)
    {
        if (!Avx512F.IsSupported)
        {
            return FmaPeakV256(seed);
        }
        // acc = acc·m + a with m < 1 converges to a/(1 − m): no overflow, no subnormals.
        var m = Vector512.Create(0.999f);
        var a = Vector512.Create(0.001f);
        var s = Vector512.Create(seed);
        Vector512<float> c0 = s, c1 = s + a, c2 = s - a, c3 = s * m, c4 = s + m, c5 = s - m, c6 = s * a, c7 = s + s;
        for (int i = 0; i < FmaIterations; i++)
        {
            c0 = Avx512F.FusedMultiplyAdd(c0, m, a);
            c1 = Avx512F.FusedMultiplyAdd(c1, m, a);
            c2 = Avx512F.FusedMultiplyAdd(c2, m, a);
            c3 = Avx512F.FusedMultiplyAdd(c3, m, a);
            c4 = Avx512F.FusedMultiplyAdd(c4, m, a);
            c5 = Avx512F.FusedMultiplyAdd(c5, m, a);
            c6 = Avx512F.FusedMultiplyAdd(c6, m, a);
            c7 = Avx512F.FusedMultiplyAdd(c7, m, a);
        }
        return Vector512.Sum(((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)));
    }

    /// <summary><see cref="FmaIterations"/> × 12 independent 256-bit FMAs (2 FMA pipes × 4-cycle latency needs ≥ 8 chains).</summary>
    /// <param name="seed">Start value.</param>
    /// <returns>A value depending on every accumulator.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float FmaPeakV256(float seed)
    {
        if (!Fma.IsSupported)
        {
            throw new PlatformNotSupportedException("FMA3 is required for the FMA peak calibration.");
        }
        var m = Vector256.Create(0.999f);
        var a = Vector256.Create(0.001f);
        var s = Vector256.Create(seed);
        Vector256<float> c0 = s, c1 = s + a, c2 = s - a, c3 = s * m, c4 = s + m, c5 = s - m;
        Vector256<float> c6 = s * a, c7 = s + s, c8 = s - s, c9 = a, c10 = m, c11 = a + m;
        for (int i = 0; i < FmaIterations; i++)
        {
            c0 = Fma.MultiplyAdd(c0, m, a);
            c1 = Fma.MultiplyAdd(c1, m, a);
            c2 = Fma.MultiplyAdd(c2, m, a);
            c3 = Fma.MultiplyAdd(c3, m, a);
            c4 = Fma.MultiplyAdd(c4, m, a);
            c5 = Fma.MultiplyAdd(c5, m, a);
            c6 = Fma.MultiplyAdd(c6, m, a);
            c7 = Fma.MultiplyAdd(c7, m, a);
            c8 = Fma.MultiplyAdd(c8, m, a);
            c9 = Fma.MultiplyAdd(c9, m, a);
            c10 = Fma.MultiplyAdd(c10, m, a);
            c11 = Fma.MultiplyAdd(c11, m, a);
        }
        return Vector256.Sum((((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7))) + ((c8 + c9) + (c10 + c11)));
    }
}

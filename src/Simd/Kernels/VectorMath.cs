using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Simd.Kernels;

/// <summary>
/// Branch-free, table-free activation and reduction primitives for <see cref="float"/>, <see cref="double"/> and
/// <see cref="Vector128{T}"/>, <see cref="Vector256{T}"/>, <see cref="Vector512{T}"/> of both, called from generated
/// LSTM gate loops. Every width of a type runs the same algorithm with the same constants, so the scalar tail and
/// the vector body of a loop agree to within an ulp or two (the only difference being fused versus unfused
/// multiply-add).
/// </summary>
/// <remarks>
/// <para>
/// Algorithm. <c>e^y</c> for <c>y ≤ 0</c> uses Cody–Waite reduction: <c>n = round(y·log2 e)</c> by adding and
/// subtracting 1.5·2^23 (float) or 1.5·2^52 (double), <c>r = y − n·ln2</c> with ln2 split into a short high part
/// (exact product) and a low part, a minimax polynomial for <c>e^r</c> on |r| ≤ ln2/2 with the first two coefficients
/// fixed to 1 (degree 5 for float, relative error 1.1e-7; degree 10 for double, 2.9e-16), and the scale 2^n written
/// directly into the exponent field; inputs below the cutoff (−87.5 / −708) give exactly 0.
/// <c>Sigmoid(x)</c> = <c>1/(1+e)</c> for x ≥ 0 and <c>e/(1+e)</c> for x &lt; 0 with <c>e = e^−|x|</c>, which never
/// overflows and keeps relative accuracy for negative x.
/// <c>Tanh(x)</c> = <c>x + x³·P(x²)</c> (minimax for relative error; degree 11 for float, 21 for double) for
/// |x| &lt; 0.625 (float) or 0.55 (double), and
/// <c>(1 − e)/(1 + e)</c> with <c>e = e^−2|x|</c> above, the sign copied from x, so Tanh is exactly odd and
/// Tanh(±0) = ±0.
/// NaN propagates, ±∞ saturate exactly (Sigmoid to 1 and 0, Tanh to ±1) and subnormal inputs give Tanh(x) = x,
/// Sigmoid(x) = 0.5.
/// </para>
/// <para>
/// Measured maximum errors against <see cref="Math.Tanh(double)"/> and <c>1/(1+Math.Exp(−x))</c> in double
/// (VectorMathTests sweeps, all widths, with and without FMA):
/// float — Sigmoid max abs 9.26e-8; Tanh max abs 1.15e-7, max rel 1.81e-7 for |x| ≤ 1 (worst just above the 0.625 switch;
/// ≤ 1 ulp on the polynomial side, exact for subnormals);
/// double — Sigmoid max abs 2.22e-16; Tanh max abs 3.33e-16, max rel 6.65e-16 for |x| ≤ 1 (these include the reference's
/// own rounding). Vector and scalar results differ by at most 2 ulp (fused versus unfused multiply-add).
/// </para>
/// </remarks>
public static class VectorMath
{
    // Constants were derived for this file: minimax fits by a Remez exchange in 50-digit arithmetic, then rounded to
    // the target precision; the errors quoted below are those of the rounded coefficients.

    // ---- float ----
    private const float F32Log2E = 1.44269502f;         // log2(e)
    private const float F32Ln2Hi = 0.693145752f;        // 45426 · 2^-16: n·hi is exact for |n| < 2^8
    private const float F32Ln2Lo = 1.42860677e-06f;     // ln2 − hi
    private const float F32RoundMagic = 12582912f;      // 1.5 · 2^23: adding it rounds to an integer in the low mantissa bits
    private const float F32ExpCutoff = -87.5f;          // e^y below this returns 0 (keeps n ≥ −126: 2^n stays normal)
    private const float F32TanhSmall = 0.625f;          // |x| below this uses the odd polynomial

    // e^r ≈ 1 + r + E2 r² + … + E5 r⁵ on |r| ≤ ln2/2 (minimax relative error 1.05e-7).
    private const float F32E2 = 0.499992311f;
    private const float F32E3 = 0.166671157f;
    private const float F32E4 = 0.0418903306f;
    private const float F32E5 = 0.00831250101f;

    // tanh(x) ≈ x + x³·(T0 + T1 s + … + T4 s⁴), s = x², on |x| ≤ 0.625 (minimax relative error 8.6e-9).
    private const float F32T0 = -0.333332807f;
    private const float F32T1 = 0.133314416f;
    private const float F32T2 = -0.0537397154f;
    private const float F32T3 = 0.020639088f;
    private const float F32T4 = -0.00570498733f;

    // ---- double ----
    private const double F64Log2E = 1.4426950408889634;
    private const double F64Ln2Hi = 0.6931471805598903;      // 3048493539143 · 2^-42: n·hi is exact for |n| < 2^11
    private const double F64Ln2Lo = 5.497923018708371e-14;   // ln2 − hi
    private const double F64RoundMagic = 6755399441055744.0; // 1.5 · 2^52
    private const double F64ExpCutoff = -708.0;              // e^y below this returns 0 (keeps n ≥ −1022)
    private const double F64TanhSmall = 0.55;                // |x| below this uses the odd polynomial

    // e^r ≈ 1 + r + E2 r² + … + E10 r¹⁰ on |r| ≤ ln2/2 (minimax relative error 2.9e-16).
    private const double F64E2 = 0.4999999999999832;
    private const double F64E3 = 0.16666666666611338;
    private const double F64E4 = 0.0416666666681421;
    private const double F64E5 = 0.008333333370981619;
    private const double F64E6 = 0.0013888888515174774;
    private const double F64E7 = 0.00019841185068482343;
    private const double F64E8 = 2.4801932342459098e-05;
    private const double F64E9 = 2.7635067851819874e-06;
    private const double F64E10 = 2.74767380001417e-07;

    // tanh(x) ≈ x + x³·(T0 + T1 s + … + T9 s⁹), s = x², on |x| ≤ 0.55 (minimax relative error 2.9e-17).
    private const double F64T0 = -0.33333333333332316;
    private const double F64T1 = 0.13333333333168698;
    private const double F64T2 = -0.053968253876076976;
    private const double F64T3 = 0.021869485974772344;
    private const double F64T4 = -0.008863194503869626;
    private const double F64T5 = 0.0035917196965361393;
    private const double F64T6 = -0.0014532167541678029;
    private const double F64T7 = 0.0005791370114814343;
    private const double F64T8 = -0.00021030239494315432;
    private const double F64T9 = 5.1021475660649775e-05;

    /// <summary>Returns <c>a * b + c</c> (two roundings; a hardware FMA is not assumed for scalars).</summary>
    /// <param name="a">The first factor.</param>
    /// <param name="b">The second factor.</param>
    /// <param name="c">The addend.</param>
    /// <returns><c>a * b + c</c>.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MulAdd(float a, float b, float c) => a * b + c;

    /// <summary>Returns <c>a * b + c</c> (two roundings; a hardware FMA is not assumed for scalars).</summary>
    /// <param name="a">The first factor.</param>
    /// <param name="b">The second factor.</param>
    /// <param name="c">The addend.</param>
    /// <returns><c>a * b + c</c>.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double MulAdd(double a, double b, double c) => a * b + c;

    /// <summary>Returns <c>a * b + c</c> per lane, fused into one rounding when the hardware has an FMA for this width.</summary>
    /// <param name="a">The first factor.</param>
    /// <param name="b">The second factor.</param>
    /// <param name="c">The addend.</param>
    /// <returns><c>a * b + c</c> per lane.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MulAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c)
    {
        if (Fma.IsSupported)
        {
            return Fma.MultiplyAdd(a, b, c);
        }

        if (AdvSimd.IsSupported)
        {
            return AdvSimd.FusedMultiplyAdd(c, a, b);
        }

        return a * b + c;
    }

    /// <summary>Returns <c>a * b + c</c> per lane, fused into one rounding when the hardware has an FMA for this width.</summary>
    /// <param name="a">The first factor.</param>
    /// <param name="b">The second factor.</param>
    /// <param name="c">The addend.</param>
    /// <returns><c>a * b + c</c> per lane.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MulAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c)
    {
        if (Fma.IsSupported)
        {
            return Fma.MultiplyAdd(a, b, c);
        }

        return a * b + c;
    }

    /// <summary>Returns <c>a * b + c</c> per lane, fused into one rounding when the hardware has an FMA for this width.</summary>
    /// <param name="a">The first factor.</param>
    /// <param name="b">The second factor.</param>
    /// <param name="c">The addend.</param>
    /// <returns><c>a * b + c</c> per lane.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MulAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c)
    {
        if (Avx512F.IsSupported)
        {
            return Avx512F.FusedMultiplyAdd(a, b, c);
        }

        return a * b + c;
    }

    /// <summary>Returns <c>a * b + c</c> per lane, fused into one rounding when the hardware has an FMA for this width.</summary>
    /// <param name="a">The first factor.</param>
    /// <param name="b">The second factor.</param>
    /// <param name="c">The addend.</param>
    /// <returns><c>a * b + c</c> per lane.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> MulAdd(Vector128<double> a, Vector128<double> b, Vector128<double> c)
    {
        if (Fma.IsSupported)
        {
            return Fma.MultiplyAdd(a, b, c);
        }

        if (AdvSimd.Arm64.IsSupported)
        {
            return AdvSimd.Arm64.FusedMultiplyAdd(c, a, b);
        }

        return a * b + c;
    }

    /// <summary>Returns <c>a * b + c</c> per lane, fused into one rounding when the hardware has an FMA for this width.</summary>
    /// <param name="a">The first factor.</param>
    /// <param name="b">The second factor.</param>
    /// <param name="c">The addend.</param>
    /// <returns><c>a * b + c</c> per lane.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> MulAdd(Vector256<double> a, Vector256<double> b, Vector256<double> c)
    {
        if (Fma.IsSupported)
        {
            return Fma.MultiplyAdd(a, b, c);
        }

        return a * b + c;
    }

    /// <summary>Returns <c>a * b + c</c> per lane, fused into one rounding when the hardware has an FMA for this width.</summary>
    /// <param name="a">The first factor.</param>
    /// <param name="b">The second factor.</param>
    /// <param name="c">The addend.</param>
    /// <returns><c>a * b + c</c> per lane.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> MulAdd(Vector512<double> a, Vector512<double> b, Vector512<double> c)
    {
        if (Avx512F.IsSupported)
        {
            return Avx512F.FusedMultiplyAdd(a, b, c);
        }

        return a * b + c;
    }

    /// <summary>Returns the sum of all lanes of <paramref name="v"/> (pairwise: halves are added before lanes).</summary>
    /// <param name="v">The vector to reduce.</param>
    /// <returns>The sum of the lanes.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float HorizontalSum(Vector128<float> v) => Vector128.Sum(v);

    /// <summary>Returns the sum of all lanes of <paramref name="v"/> (pairwise: halves are added before lanes).</summary>
    /// <param name="v">The vector to reduce.</param>
    /// <returns>The sum of the lanes.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float HorizontalSum(Vector256<float> v) => Vector128.Sum(v.GetLower() + v.GetUpper());

    /// <summary>Returns the sum of all lanes of <paramref name="v"/> (pairwise: halves are added before lanes).</summary>
    /// <param name="v">The vector to reduce.</param>
    /// <returns>The sum of the lanes.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float HorizontalSum(Vector512<float> v) => HorizontalSum(v.GetLower() + v.GetUpper());

    /// <summary>Returns the sum of all lanes of <paramref name="v"/> (pairwise: halves are added before lanes).</summary>
    /// <param name="v">The vector to reduce.</param>
    /// <returns>The sum of the lanes.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double HorizontalSum(Vector128<double> v) => Vector128.Sum(v);

    /// <summary>Returns the sum of all lanes of <paramref name="v"/> (pairwise: halves are added before lanes).</summary>
    /// <param name="v">The vector to reduce.</param>
    /// <returns>The sum of the lanes.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double HorizontalSum(Vector256<double> v) => Vector128.Sum(v.GetLower() + v.GetUpper());

    /// <summary>Returns the sum of all lanes of <paramref name="v"/> (pairwise: halves are added before lanes).</summary>
    /// <param name="v">The vector to reduce.</param>
    /// <returns>The sum of the lanes.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double HorizontalSum(Vector512<double> v) => HorizontalSum(v.GetLower() + v.GetUpper());

    /// <summary>Returns the logistic function <c>1 / (1 + e^−x)</c>.</summary>
    /// <param name="x">The input.</param>
    /// <returns>σ(x) in [0, 1]; NaN for NaN.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sigmoid(float x) => Sigmoid<HardwareMultiplyAdd>(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Sigmoid<M>(float x)
        where M : IMultiplyAdd
    {
        float e = ExpNonPositive<M>(-MathF.Abs(x));
        float s = 1f / (1f + e);
        return x < 0f ? e * s : s;
    }

    /// <summary>Returns the hyperbolic tangent of <paramref name="x"/>.</summary>
    /// <param name="x">The input.</param>
    /// <returns>tanh(x) in [−1, 1], exactly odd; NaN for NaN.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Tanh(float x) => Tanh<HardwareMultiplyAdd>(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Tanh<M>(float x)
        where M : IMultiplyAdd
    {
        float ax = MathF.Abs(x);
        float r;
        if (ax < F32TanhSmall)
        {
            float s = ax * ax;
            float q = M.MulAdd(M.MulAdd(M.MulAdd(M.MulAdd(F32T4, s, F32T3), s, F32T2), s, F32T1), s, F32T0);
            r = M.MulAdd(ax * s, q, ax);
        }
        else
        {
            float e = ExpNonPositive<M>(-(ax + ax));
            r = (1f - e) / (1f + e);
        }

        return MathF.CopySign(r, x);
    }

    /// <summary>Returns the logistic function <c>1 / (1 + e^−x)</c>.</summary>
    /// <param name="x">The input.</param>
    /// <returns>σ(x) in [0, 1]; NaN for NaN.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sigmoid(double x) => Sigmoid<HardwareMultiplyAdd>(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Sigmoid<M>(double x)
        where M : IMultiplyAdd
    {
        double e = ExpNonPositive<M>(-Math.Abs(x));
        double s = 1.0 / (1.0 + e);
        return x < 0.0 ? e * s : s;
    }

    /// <summary>Returns the hyperbolic tangent of <paramref name="x"/>.</summary>
    /// <param name="x">The input.</param>
    /// <returns>tanh(x) in [−1, 1], exactly odd; NaN for NaN.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Tanh(double x) => Tanh<HardwareMultiplyAdd>(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Tanh<M>(double x)
        where M : IMultiplyAdd
    {
        double ax = Math.Abs(x);
        double r;
        if (ax < F64TanhSmall)
        {
            double s = ax * ax;
            double q = M.MulAdd(M.MulAdd(M.MulAdd(M.MulAdd(M.MulAdd(M.MulAdd(M.MulAdd(M.MulAdd(M.MulAdd(
                F64T9, s, F64T8), s, F64T7), s, F64T6), s, F64T5), s, F64T4), s, F64T3), s, F64T2), s, F64T1), s, F64T0);
            r = M.MulAdd(ax * s, q, ax);
        }
        else
        {
            double e = ExpNonPositive<M>(-(ax + ax));
            r = (1.0 - e) / (1.0 + e);
        }

        return Math.CopySign(r, x);
    }

    /// <summary>Returns the logistic function <c>1 / (1 + e^−x)</c> per lane.</summary>
    /// <param name="x">The input lanes.</param>
    /// <returns>σ(x) per lane, in [0, 1]; NaN for NaN.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sigmoid(Vector128<float> x) => Sigmoid<HardwareMultiplyAdd>(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> Sigmoid<M>(Vector128<float> x)
        where M : IMultiplyAdd
    {
        Vector128<float> e = ExpNonPositive<M>(x | Vector128.Create(-0f));
        Vector128<float> s = Vector128<float>.One / (Vector128<float>.One + e);
        return Vector128.ConditionalSelect(Vector128.LessThan(x, Vector128<float>.Zero), e * s, s);
    }

    /// <summary>Returns the hyperbolic tangent per lane.</summary>
    /// <param name="x">The input lanes.</param>
    /// <returns>tanh(x) per lane, in [−1, 1], exactly odd; NaN for NaN.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Tanh(Vector128<float> x) => Tanh<HardwareMultiplyAdd>(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> Tanh<M>(Vector128<float> x)
        where M : IMultiplyAdd
    {
        Vector128<float> ax = Vector128.Abs(x);
        Vector128<float> s = ax * ax;
        Vector128<float> q = M.MulAdd(M.MulAdd(Vector128.Create(F32T4), s, Vector128.Create(F32T3)), s, Vector128.Create(F32T2));
        q = M.MulAdd(M.MulAdd(q, s, Vector128.Create(F32T1)), s, Vector128.Create(F32T0));
        Vector128<float> small = M.MulAdd(ax * s, q, ax);
        Vector128<float> e = ExpNonPositive<M>(-(ax + ax));
        Vector128<float> big = (Vector128<float>.One - e) / (Vector128<float>.One + e);
        Vector128<float> r = Vector128.ConditionalSelect(Vector128.LessThan(ax, Vector128.Create(F32TanhSmall)), small, big);
        return r | (x & Vector128.Create(-0f));
    }

    /// <summary>Returns the logistic function <c>1 / (1 + e^−x)</c> per lane.</summary>
    /// <param name="x">The input lanes.</param>
    /// <returns>σ(x) per lane, in [0, 1]; NaN for NaN.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x) => Sigmoid<HardwareMultiplyAdd>(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> Sigmoid<M>(Vector256<float> x)
        where M : IMultiplyAdd
    {
        Vector256<float> e = ExpNonPositive<M>(x | Vector256.Create(-0f));
        Vector256<float> s = Vector256<float>.One / (Vector256<float>.One + e);
        return Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), e * s, s);
    }

    /// <summary>Returns the hyperbolic tangent per lane.</summary>
    /// <param name="x">The input lanes.</param>
    /// <returns>tanh(x) per lane, in [−1, 1], exactly odd; NaN for NaN.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x) => Tanh<HardwareMultiplyAdd>(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> Tanh<M>(Vector256<float> x)
        where M : IMultiplyAdd
    {
        Vector256<float> ax = Vector256.Abs(x);
        Vector256<float> s = ax * ax;
        Vector256<float> q = M.MulAdd(M.MulAdd(Vector256.Create(F32T4), s, Vector256.Create(F32T3)), s, Vector256.Create(F32T2));
        q = M.MulAdd(M.MulAdd(q, s, Vector256.Create(F32T1)), s, Vector256.Create(F32T0));
        Vector256<float> small = M.MulAdd(ax * s, q, ax);
        Vector256<float> e = ExpNonPositive<M>(-(ax + ax));
        Vector256<float> big = (Vector256<float>.One - e) / (Vector256<float>.One + e);
        Vector256<float> r = Vector256.ConditionalSelect(Vector256.LessThan(ax, Vector256.Create(F32TanhSmall)), small, big);
        return r | (x & Vector256.Create(-0f));
    }

    /// <summary>Returns the logistic function <c>1 / (1 + e^−x)</c> per lane.</summary>
    /// <param name="x">The input lanes.</param>
    /// <returns>σ(x) per lane, in [0, 1]; NaN for NaN.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sigmoid(Vector512<float> x) => Sigmoid<HardwareMultiplyAdd>(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Sigmoid<M>(Vector512<float> x)
        where M : IMultiplyAdd
    {
        Vector512<float> e = ExpNonPositive<M>(x | Vector512.Create(-0f));
        Vector512<float> s = Vector512<float>.One / (Vector512<float>.One + e);
        return Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512<float>.Zero), e * s, s);
    }

    /// <summary>Returns the hyperbolic tangent per lane.</summary>
    /// <param name="x">The input lanes.</param>
    /// <returns>tanh(x) per lane, in [−1, 1], exactly odd; NaN for NaN.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> x) => Tanh<HardwareMultiplyAdd>(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Tanh<M>(Vector512<float> x)
        where M : IMultiplyAdd
    {
        Vector512<float> ax = Vector512.Abs(x);
        Vector512<float> s = ax * ax;
        Vector512<float> q = M.MulAdd(M.MulAdd(Vector512.Create(F32T4), s, Vector512.Create(F32T3)), s, Vector512.Create(F32T2));
        q = M.MulAdd(M.MulAdd(q, s, Vector512.Create(F32T1)), s, Vector512.Create(F32T0));
        Vector512<float> small = M.MulAdd(ax * s, q, ax);
        Vector512<float> e = ExpNonPositive<M>(-(ax + ax));
        Vector512<float> big = (Vector512<float>.One - e) / (Vector512<float>.One + e);
        Vector512<float> r = Vector512.ConditionalSelect(Vector512.LessThan(ax, Vector512.Create(F32TanhSmall)), small, big);
        return r | (x & Vector512.Create(-0f));
    }

    /// <summary>Returns the logistic function <c>1 / (1 + e^−x)</c> per lane.</summary>
    /// <param name="x">The input lanes.</param>
    /// <returns>σ(x) per lane, in [0, 1]; NaN for NaN.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Sigmoid(Vector128<double> x) => Sigmoid<HardwareMultiplyAdd>(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<double> Sigmoid<M>(Vector128<double> x)
        where M : IMultiplyAdd
    {
        Vector128<double> e = ExpNonPositive<M>(x | Vector128.Create(-0.0));
        Vector128<double> s = Vector128<double>.One / (Vector128<double>.One + e);
        return Vector128.ConditionalSelect(Vector128.LessThan(x, Vector128<double>.Zero), e * s, s);
    }

    /// <summary>Returns the hyperbolic tangent per lane.</summary>
    /// <param name="x">The input lanes.</param>
    /// <returns>tanh(x) per lane, in [−1, 1], exactly odd; NaN for NaN.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Tanh(Vector128<double> x) => Tanh<HardwareMultiplyAdd>(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<double> Tanh<M>(Vector128<double> x)
        where M : IMultiplyAdd
    {
        Vector128<double> ax = Vector128.Abs(x);
        Vector128<double> s = ax * ax;
        Vector128<double> q = Vector128.Create(F64T9);
        q = M.MulAdd(q, s, Vector128.Create(F64T8));
        q = M.MulAdd(q, s, Vector128.Create(F64T7));
        q = M.MulAdd(q, s, Vector128.Create(F64T6));
        q = M.MulAdd(q, s, Vector128.Create(F64T5));
        q = M.MulAdd(q, s, Vector128.Create(F64T4));
        q = M.MulAdd(q, s, Vector128.Create(F64T3));
        q = M.MulAdd(q, s, Vector128.Create(F64T2));
        q = M.MulAdd(q, s, Vector128.Create(F64T1));
        q = M.MulAdd(q, s, Vector128.Create(F64T0));
        Vector128<double> small = M.MulAdd(ax * s, q, ax);
        Vector128<double> e = ExpNonPositive<M>(-(ax + ax));
        Vector128<double> big = (Vector128<double>.One - e) / (Vector128<double>.One + e);
        Vector128<double> r = Vector128.ConditionalSelect(Vector128.LessThan(ax, Vector128.Create(F64TanhSmall)), small, big);
        return r | (x & Vector128.Create(-0.0));
    }

    /// <summary>Returns the logistic function <c>1 / (1 + e^−x)</c> per lane.</summary>
    /// <param name="x">The input lanes.</param>
    /// <returns>σ(x) per lane, in [0, 1]; NaN for NaN.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Sigmoid(Vector256<double> x) => Sigmoid<HardwareMultiplyAdd>(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<double> Sigmoid<M>(Vector256<double> x)
        where M : IMultiplyAdd
    {
        Vector256<double> e = ExpNonPositive<M>(x | Vector256.Create(-0.0));
        Vector256<double> s = Vector256<double>.One / (Vector256<double>.One + e);
        return Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<double>.Zero), e * s, s);
    }

    /// <summary>Returns the hyperbolic tangent per lane.</summary>
    /// <param name="x">The input lanes.</param>
    /// <returns>tanh(x) per lane, in [−1, 1], exactly odd; NaN for NaN.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Tanh(Vector256<double> x) => Tanh<HardwareMultiplyAdd>(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<double> Tanh<M>(Vector256<double> x)
        where M : IMultiplyAdd
    {
        Vector256<double> ax = Vector256.Abs(x);
        Vector256<double> s = ax * ax;
        Vector256<double> q = Vector256.Create(F64T9);
        q = M.MulAdd(q, s, Vector256.Create(F64T8));
        q = M.MulAdd(q, s, Vector256.Create(F64T7));
        q = M.MulAdd(q, s, Vector256.Create(F64T6));
        q = M.MulAdd(q, s, Vector256.Create(F64T5));
        q = M.MulAdd(q, s, Vector256.Create(F64T4));
        q = M.MulAdd(q, s, Vector256.Create(F64T3));
        q = M.MulAdd(q, s, Vector256.Create(F64T2));
        q = M.MulAdd(q, s, Vector256.Create(F64T1));
        q = M.MulAdd(q, s, Vector256.Create(F64T0));
        Vector256<double> small = M.MulAdd(ax * s, q, ax);
        Vector256<double> e = ExpNonPositive<M>(-(ax + ax));
        Vector256<double> big = (Vector256<double>.One - e) / (Vector256<double>.One + e);
        Vector256<double> r = Vector256.ConditionalSelect(Vector256.LessThan(ax, Vector256.Create(F64TanhSmall)), small, big);
        return r | (x & Vector256.Create(-0.0));
    }

    /// <summary>Returns the logistic function <c>1 / (1 + e^−x)</c> per lane.</summary>
    /// <param name="x">The input lanes.</param>
    /// <returns>σ(x) per lane, in [0, 1]; NaN for NaN.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Sigmoid(Vector512<double> x) => Sigmoid<HardwareMultiplyAdd>(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<double> Sigmoid<M>(Vector512<double> x)
        where M : IMultiplyAdd
    {
        Vector512<double> e = ExpNonPositive<M>(x | Vector512.Create(-0.0));
        Vector512<double> s = Vector512<double>.One / (Vector512<double>.One + e);
        return Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512<double>.Zero), e * s, s);
    }

    /// <summary>Returns the hyperbolic tangent per lane.</summary>
    /// <param name="x">The input lanes.</param>
    /// <returns>tanh(x) per lane, in [−1, 1], exactly odd; NaN for NaN.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Tanh(Vector512<double> x) => Tanh<HardwareMultiplyAdd>(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<double> Tanh<M>(Vector512<double> x)
        where M : IMultiplyAdd
    {
        Vector512<double> ax = Vector512.Abs(x);
        Vector512<double> s = ax * ax;
        Vector512<double> q = Vector512.Create(F64T9);
        q = M.MulAdd(q, s, Vector512.Create(F64T8));
        q = M.MulAdd(q, s, Vector512.Create(F64T7));
        q = M.MulAdd(q, s, Vector512.Create(F64T6));
        q = M.MulAdd(q, s, Vector512.Create(F64T5));
        q = M.MulAdd(q, s, Vector512.Create(F64T4));
        q = M.MulAdd(q, s, Vector512.Create(F64T3));
        q = M.MulAdd(q, s, Vector512.Create(F64T2));
        q = M.MulAdd(q, s, Vector512.Create(F64T1));
        q = M.MulAdd(q, s, Vector512.Create(F64T0));
        Vector512<double> small = M.MulAdd(ax * s, q, ax);
        Vector512<double> e = ExpNonPositive<M>(-(ax + ax));
        Vector512<double> big = (Vector512<double>.One - e) / (Vector512<double>.One + e);
        Vector512<double> r = Vector512.ConditionalSelect(Vector512.LessThan(ax, Vector512.Create(F64TanhSmall)), small, big);
        return r | (x & Vector512.Create(-0.0));
    }

    // e^y for y ≤ 0 (or NaN → NaN). Above the cutoff n = round(y·log2 e) lies in [−127, 0] (float) or [−1022, 0]
    // (double), so 2^n can be written into the exponent field; below it the result is forced to +0.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float ExpNonPositive(float y) => ExpNonPositive<HardwareMultiplyAdd>(y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float ExpNonPositive<M>(float y)
        where M : IMultiplyAdd
    {
        float k = M.MulAdd(y, F32Log2E, F32RoundMagic);
        float n = k - F32RoundMagic;
        float r = M.MulAdd(n, -F32Ln2Hi, y);
        r = M.MulAdd(n, -F32Ln2Lo, r);
        float p = M.MulAdd(M.MulAdd(M.MulAdd(M.MulAdd(M.MulAdd(F32E5, r, F32E4), r, F32E3), r, F32E2), r, 1f), r, 1f);
        float scale = BitConverter.Int32BitsToSingle((BitConverter.SingleToInt32Bits(k) + 127) << 23);
        return y < F32ExpCutoff ? 0f : p * scale;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double ExpNonPositive(double y) => ExpNonPositive<HardwareMultiplyAdd>(y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double ExpNonPositive<M>(double y)
        where M : IMultiplyAdd
    {
        double k = M.MulAdd(y, F64Log2E, F64RoundMagic);
        double n = k - F64RoundMagic;
        double r = M.MulAdd(n, -F64Ln2Hi, y);
        r = M.MulAdd(n, -F64Ln2Lo, r);
        double p = M.MulAdd(M.MulAdd(M.MulAdd(M.MulAdd(M.MulAdd(M.MulAdd(M.MulAdd(M.MulAdd(M.MulAdd(
            F64E10, r, F64E9), r, F64E8), r, F64E7), r, F64E6), r, F64E5), r, F64E4), r, F64E3), r, F64E2), r, 1.0);
        p = M.MulAdd(p, r, 1.0);
        double scale = BitConverter.Int64BitsToDouble((BitConverter.DoubleToInt64Bits(k) + 1023) << 52);
        return y < F64ExpCutoff ? 0.0 : p * scale;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> ExpNonPositive(Vector128<float> y) => ExpNonPositive<HardwareMultiplyAdd>(y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> ExpNonPositive<M>(Vector128<float> y)
        where M : IMultiplyAdd
    {
        Vector128<float> magic = Vector128.Create(F32RoundMagic);
        Vector128<float> k = M.MulAdd(y, Vector128.Create(F32Log2E), magic);
        Vector128<float> n = k - magic;
        Vector128<float> r = M.MulAdd(n, Vector128.Create(-F32Ln2Hi), y);
        r = M.MulAdd(n, Vector128.Create(-F32Ln2Lo), r);
        Vector128<float> p = M.MulAdd(M.MulAdd(Vector128.Create(F32E5), r, Vector128.Create(F32E4)), r, Vector128.Create(F32E3));
        p = M.MulAdd(p, r, Vector128.Create(F32E2));
        p = M.MulAdd(M.MulAdd(p, r, Vector128<float>.One), r, Vector128<float>.One);
        Vector128<float> scale = Vector128.ShiftLeft(k.AsInt32() + Vector128.Create(127), 23).AsSingle();
        return Vector128.AndNot(p * scale, Vector128.LessThan(y, Vector128.Create(F32ExpCutoff)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> ExpNonPositive(Vector256<float> y) => ExpNonPositive<HardwareMultiplyAdd>(y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> ExpNonPositive<M>(Vector256<float> y)
        where M : IMultiplyAdd
    {
        Vector256<float> magic = Vector256.Create(F32RoundMagic);
        Vector256<float> k = M.MulAdd(y, Vector256.Create(F32Log2E), magic);
        Vector256<float> n = k - magic;
        Vector256<float> r = M.MulAdd(n, Vector256.Create(-F32Ln2Hi), y);
        r = M.MulAdd(n, Vector256.Create(-F32Ln2Lo), r);
        Vector256<float> p = M.MulAdd(M.MulAdd(Vector256.Create(F32E5), r, Vector256.Create(F32E4)), r, Vector256.Create(F32E3));
        p = M.MulAdd(p, r, Vector256.Create(F32E2));
        p = M.MulAdd(M.MulAdd(p, r, Vector256<float>.One), r, Vector256<float>.One);
        Vector256<float> scale = Vector256.ShiftLeft(k.AsInt32() + Vector256.Create(127), 23).AsSingle();
        return Vector256.AndNot(p * scale, Vector256.LessThan(y, Vector256.Create(F32ExpCutoff)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> ExpNonPositive(Vector512<float> y) => ExpNonPositive<HardwareMultiplyAdd>(y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> ExpNonPositive<M>(Vector512<float> y)
        where M : IMultiplyAdd
    {
        Vector512<float> magic = Vector512.Create(F32RoundMagic);
        Vector512<float> k = M.MulAdd(y, Vector512.Create(F32Log2E), magic);
        Vector512<float> n = k - magic;
        Vector512<float> r = M.MulAdd(n, Vector512.Create(-F32Ln2Hi), y);
        r = M.MulAdd(n, Vector512.Create(-F32Ln2Lo), r);
        Vector512<float> p = M.MulAdd(M.MulAdd(Vector512.Create(F32E5), r, Vector512.Create(F32E4)), r, Vector512.Create(F32E3));
        p = M.MulAdd(p, r, Vector512.Create(F32E2));
        p = M.MulAdd(M.MulAdd(p, r, Vector512<float>.One), r, Vector512<float>.One);
        // vscalefps multiplies by 2^n in one instruction, where building 2^n from bits takes two more (add, shift); the
        // result is the same correctly rounded product. Zen 4 splits 512-bit arithmetic in two, so every op counts.
        Vector512<float> power = Avx512F.IsSupported
            ? Avx512F.Scale(p, n)
            : p * Vector512.ShiftLeft(k.AsInt32() + Vector512.Create(127), 23).AsSingle();
        return Vector512.AndNot(power, Vector512.LessThan(y, Vector512.Create(F32ExpCutoff)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<double> ExpNonPositive(Vector128<double> y) => ExpNonPositive<HardwareMultiplyAdd>(y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<double> ExpNonPositive<M>(Vector128<double> y)
        where M : IMultiplyAdd
    {
        Vector128<double> magic = Vector128.Create(F64RoundMagic);
        Vector128<double> k = M.MulAdd(y, Vector128.Create(F64Log2E), magic);
        Vector128<double> n = k - magic;
        Vector128<double> r = M.MulAdd(n, Vector128.Create(-F64Ln2Hi), y);
        r = M.MulAdd(n, Vector128.Create(-F64Ln2Lo), r);
        Vector128<double> p = Vector128.Create(F64E10);
        p = M.MulAdd(p, r, Vector128.Create(F64E9));
        p = M.MulAdd(p, r, Vector128.Create(F64E8));
        p = M.MulAdd(p, r, Vector128.Create(F64E7));
        p = M.MulAdd(p, r, Vector128.Create(F64E6));
        p = M.MulAdd(p, r, Vector128.Create(F64E5));
        p = M.MulAdd(p, r, Vector128.Create(F64E4));
        p = M.MulAdd(p, r, Vector128.Create(F64E3));
        p = M.MulAdd(p, r, Vector128.Create(F64E2));
        p = M.MulAdd(M.MulAdd(p, r, Vector128<double>.One), r, Vector128<double>.One);
        Vector128<double> scale = Vector128.ShiftLeft(k.AsInt64() + Vector128.Create(1023L), 52).AsDouble();
        return Vector128.AndNot(p * scale, Vector128.LessThan(y, Vector128.Create(F64ExpCutoff)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<double> ExpNonPositive(Vector256<double> y) => ExpNonPositive<HardwareMultiplyAdd>(y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<double> ExpNonPositive<M>(Vector256<double> y)
        where M : IMultiplyAdd
    {
        Vector256<double> magic = Vector256.Create(F64RoundMagic);
        Vector256<double> k = M.MulAdd(y, Vector256.Create(F64Log2E), magic);
        Vector256<double> n = k - magic;
        Vector256<double> r = M.MulAdd(n, Vector256.Create(-F64Ln2Hi), y);
        r = M.MulAdd(n, Vector256.Create(-F64Ln2Lo), r);
        Vector256<double> p = Vector256.Create(F64E10);
        p = M.MulAdd(p, r, Vector256.Create(F64E9));
        p = M.MulAdd(p, r, Vector256.Create(F64E8));
        p = M.MulAdd(p, r, Vector256.Create(F64E7));
        p = M.MulAdd(p, r, Vector256.Create(F64E6));
        p = M.MulAdd(p, r, Vector256.Create(F64E5));
        p = M.MulAdd(p, r, Vector256.Create(F64E4));
        p = M.MulAdd(p, r, Vector256.Create(F64E3));
        p = M.MulAdd(p, r, Vector256.Create(F64E2));
        p = M.MulAdd(M.MulAdd(p, r, Vector256<double>.One), r, Vector256<double>.One);
        Vector256<double> scale = Vector256.ShiftLeft(k.AsInt64() + Vector256.Create(1023L), 52).AsDouble();
        return Vector256.AndNot(p * scale, Vector256.LessThan(y, Vector256.Create(F64ExpCutoff)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<double> ExpNonPositive(Vector512<double> y) => ExpNonPositive<HardwareMultiplyAdd>(y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<double> ExpNonPositive<M>(Vector512<double> y)
        where M : IMultiplyAdd
    {
        Vector512<double> magic = Vector512.Create(F64RoundMagic);
        Vector512<double> k = M.MulAdd(y, Vector512.Create(F64Log2E), magic);
        Vector512<double> n = k - magic;
        Vector512<double> r = M.MulAdd(n, Vector512.Create(-F64Ln2Hi), y);
        r = M.MulAdd(n, Vector512.Create(-F64Ln2Lo), r);
        Vector512<double> p = Vector512.Create(F64E10);
        p = M.MulAdd(p, r, Vector512.Create(F64E9));
        p = M.MulAdd(p, r, Vector512.Create(F64E8));
        p = M.MulAdd(p, r, Vector512.Create(F64E7));
        p = M.MulAdd(p, r, Vector512.Create(F64E6));
        p = M.MulAdd(p, r, Vector512.Create(F64E5));
        p = M.MulAdd(p, r, Vector512.Create(F64E4));
        p = M.MulAdd(p, r, Vector512.Create(F64E3));
        p = M.MulAdd(p, r, Vector512.Create(F64E2));
        p = M.MulAdd(M.MulAdd(p, r, Vector512<double>.One), r, Vector512<double>.One);
        Vector512<double> power = Avx512F.IsSupported
            ? Avx512F.Scale(p, n)
            : p * Vector512.ShiftLeft(k.AsInt64() + Vector512.Create(1023L), 52).AsDouble();
        return Vector512.AndNot(power, Vector512.LessThan(y, Vector512.Create(F64ExpCutoff)));
    }
}

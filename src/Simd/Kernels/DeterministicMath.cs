using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Simd.Kernels;

/// <summary>How the activation polynomials multiply and add: the one choice in them that may differ between paths.</summary>
internal interface IMultiplyAdd
{
    static abstract float MulAdd(float a, float b, float c);
    static abstract Vector128<float> MulAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c);
    static abstract Vector256<float> MulAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c);
    static abstract Vector512<float> MulAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c);
    static abstract double MulAdd(double a, double b, double c);
    static abstract Vector128<double> MulAdd(Vector128<double> a, Vector128<double> b, Vector128<double> c);
    static abstract Vector256<double> MulAdd(Vector256<double> a, Vector256<double> b, Vector256<double> c);
    static abstract Vector512<double> MulAdd(Vector512<double> a, Vector512<double> b, Vector512<double> c);
}

/// <summary>The fast mode's choice: fused where this width has a hardware FMA, two roundings otherwise (and for scalars).</summary>
internal readonly struct HardwareMultiplyAdd : IMultiplyAdd
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MulAdd(float a, float b, float c) => VectorMath.MulAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MulAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c) => VectorMath.MulAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MulAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) => VectorMath.MulAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MulAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) => VectorMath.MulAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double MulAdd(double a, double b, double c) => VectorMath.MulAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> MulAdd(Vector128<double> a, Vector128<double> b, Vector128<double> c) => VectorMath.MulAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> MulAdd(Vector256<double> a, Vector256<double> b, Vector256<double> c) => VectorMath.MulAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> MulAdd(Vector512<double> a, Vector512<double> b, Vector512<double> c) => VectorMath.MulAdd(a, b, c);
}

/// <summary>The deterministic mode's choice: always one rounding, in software where the hardware has no FMA.</summary>
internal readonly struct FusedMultiplyAdd : IMultiplyAdd
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MulAdd(float a, float b, float c) => MathF.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MulAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c) =>
        Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : AdvSimd.IsSupported ? AdvSimd.FusedMultiplyAdd(c, a, b) : Vector128.Create(MathF.FusedMultiplyAdd(a[0], b[0], c[0]), MathF.FusedMultiplyAdd(a[1], b[1], c[1]), MathF.FusedMultiplyAdd(a[2], b[2], c[2]), MathF.FusedMultiplyAdd(a[3], b[3], c[3]));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MulAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : Vector256.Create(MulAdd(a.GetLower(), b.GetLower(), c.GetLower()), MulAdd(a.GetUpper(), b.GetUpper(), c.GetUpper()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MulAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) =>
        Avx512F.IsSupported ? Avx512F.FusedMultiplyAdd(a, b, c) : Vector512.Create(MulAdd(a.GetLower(), b.GetLower(), c.GetLower()), MulAdd(a.GetUpper(), b.GetUpper(), c.GetUpper()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double MulAdd(double a, double b, double c) => Math.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> MulAdd(Vector128<double> a, Vector128<double> b, Vector128<double> c) =>
        Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : AdvSimd.Arm64.IsSupported ? AdvSimd.Arm64.FusedMultiplyAdd(c, a, b) : Vector128.Create(Math.FusedMultiplyAdd(a[0], b[0], c[0]), Math.FusedMultiplyAdd(a[1], b[1], c[1]));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> MulAdd(Vector256<double> a, Vector256<double> b, Vector256<double> c) =>
        Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : Vector256.Create(MulAdd(a.GetLower(), b.GetLower(), c.GetLower()), MulAdd(a.GetUpper(), b.GetUpper(), c.GetUpper()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> MulAdd(Vector512<double> a, Vector512<double> b, Vector512<double> c) =>
        Avx512F.IsSupported ? Avx512F.FusedMultiplyAdd(a, b, c) : Vector512.Create(MulAdd(a.GetLower(), b.GetLower(), c.GetLower()), MulAdd(a.GetUpper(), b.GetUpper(), c.GetUpper()));
}

/// <summary>
/// The primitives generated code calls in deterministic mode (<c>Deterministic = true</c> on a cell attribute): the
/// same names and polynomials as <see cref="VectorMath"/>, but every multiply-add is fused on every path, so a lane of
/// a Vector512, Vector256 or Vector128 and a scalar give the same bits for the same input, on any CPU.
/// </summary>
/// <remarks>
/// Fused multiply-add is correctly rounded by definition (IEEE 754), so hardware FMA and the runtime's software
/// fallback agree; the remaining operations (add, multiply, divide, compare, exponent-bit arithmetic) are exactly
/// specified per lane. On CPUs without FMA the software fallback is slow; every x64 CPU since 2013 and every Arm64 CPU has FMA.
/// </remarks>
public static class DeterministicMath
{
    /// <summary>Returns <c>a * b + c</c> with one rounding, on every CPU (in software where the hardware has no FMA).</summary>
    /// <param name="a">The first factor.</param>
    /// <param name="b">The second factor.</param>
    /// <param name="c">The addend.</param>
    /// <returns>The fused product and sum.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MulAdd(float a, float b, float c) => FusedMultiplyAdd.MulAdd(a, b, c);

    /// <summary>Returns the logistic function <c>1 / (1 + e^−x)</c>: the polynomial of <see cref="VectorMath"/>, every multiply-add fused.</summary>
    /// <param name="x">The input.</param>
    /// <returns>The same bits for the same input on every path and CPU.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sigmoid(float x) => VectorMath.Sigmoid<FusedMultiplyAdd>(x);

    /// <summary>Returns the hyperbolic tangent: the polynomial of <see cref="VectorMath"/>, every multiply-add fused.</summary>
    /// <param name="x">The input.</param>
    /// <returns>The same bits for the same input on every path and CPU.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Tanh(float x) => VectorMath.Tanh<FusedMultiplyAdd>(x);

    /// <summary>Returns <c>a * b + c</c> with one rounding, on every CPU (in software where the hardware has no FMA).</summary>
    /// <param name="a">The first factor.</param>
    /// <param name="b">The second factor.</param>
    /// <param name="c">The addend.</param>
    /// <returns>The fused product and sum.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MulAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c) => FusedMultiplyAdd.MulAdd(a, b, c);

    /// <summary>Returns the logistic function <c>1 / (1 + e^−x)</c> per lane: the polynomial of <see cref="VectorMath"/>, every multiply-add fused.</summary>
    /// <param name="x">The input.</param>
    /// <returns>The same bits for the same input on every path and CPU.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sigmoid(Vector128<float> x) => VectorMath.Sigmoid<FusedMultiplyAdd>(x);

    /// <summary>Returns the hyperbolic tangent per lane: the polynomial of <see cref="VectorMath"/>, every multiply-add fused.</summary>
    /// <param name="x">The input.</param>
    /// <returns>The same bits for the same input on every path and CPU.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Tanh(Vector128<float> x) => VectorMath.Tanh<FusedMultiplyAdd>(x);

    /// <summary>Returns <c>a * b + c</c> with one rounding, on every CPU (in software where the hardware has no FMA).</summary>
    /// <param name="a">The first factor.</param>
    /// <param name="b">The second factor.</param>
    /// <param name="c">The addend.</param>
    /// <returns>The fused product and sum.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MulAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) => FusedMultiplyAdd.MulAdd(a, b, c);

    /// <summary>Returns the logistic function <c>1 / (1 + e^−x)</c> per lane: the polynomial of <see cref="VectorMath"/>, every multiply-add fused.</summary>
    /// <param name="x">The input.</param>
    /// <returns>The same bits for the same input on every path and CPU.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x) => VectorMath.Sigmoid<FusedMultiplyAdd>(x);

    /// <summary>Returns the hyperbolic tangent per lane: the polynomial of <see cref="VectorMath"/>, every multiply-add fused.</summary>
    /// <param name="x">The input.</param>
    /// <returns>The same bits for the same input on every path and CPU.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x) => VectorMath.Tanh<FusedMultiplyAdd>(x);

    /// <summary>Returns <c>a * b + c</c> with one rounding, on every CPU (in software where the hardware has no FMA).</summary>
    /// <param name="a">The first factor.</param>
    /// <param name="b">The second factor.</param>
    /// <param name="c">The addend.</param>
    /// <returns>The fused product and sum.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MulAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) => FusedMultiplyAdd.MulAdd(a, b, c);

    /// <summary>Returns the logistic function <c>1 / (1 + e^−x)</c> per lane: the polynomial of <see cref="VectorMath"/>, every multiply-add fused.</summary>
    /// <param name="x">The input.</param>
    /// <returns>The same bits for the same input on every path and CPU.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sigmoid(Vector512<float> x) => VectorMath.Sigmoid<FusedMultiplyAdd>(x);

    /// <summary>Returns the hyperbolic tangent per lane: the polynomial of <see cref="VectorMath"/>, every multiply-add fused.</summary>
    /// <param name="x">The input.</param>
    /// <returns>The same bits for the same input on every path and CPU.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> x) => VectorMath.Tanh<FusedMultiplyAdd>(x);

    /// <summary>Returns <c>a * b + c</c> with one rounding, on every CPU (in software where the hardware has no FMA).</summary>
    /// <param name="a">The first factor.</param>
    /// <param name="b">The second factor.</param>
    /// <param name="c">The addend.</param>
    /// <returns>The fused product and sum.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double MulAdd(double a, double b, double c) => FusedMultiplyAdd.MulAdd(a, b, c);

    /// <summary>Returns the logistic function <c>1 / (1 + e^−x)</c>: the polynomial of <see cref="VectorMath"/>, every multiply-add fused.</summary>
    /// <param name="x">The input.</param>
    /// <returns>The same bits for the same input on every path and CPU.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sigmoid(double x) => VectorMath.Sigmoid<FusedMultiplyAdd>(x);

    /// <summary>Returns the hyperbolic tangent: the polynomial of <see cref="VectorMath"/>, every multiply-add fused.</summary>
    /// <param name="x">The input.</param>
    /// <returns>The same bits for the same input on every path and CPU.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Tanh(double x) => VectorMath.Tanh<FusedMultiplyAdd>(x);

    /// <summary>Returns <c>a * b + c</c> with one rounding, on every CPU (in software where the hardware has no FMA).</summary>
    /// <param name="a">The first factor.</param>
    /// <param name="b">The second factor.</param>
    /// <param name="c">The addend.</param>
    /// <returns>The fused product and sum.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> MulAdd(Vector128<double> a, Vector128<double> b, Vector128<double> c) => FusedMultiplyAdd.MulAdd(a, b, c);

    /// <summary>Returns the logistic function <c>1 / (1 + e^−x)</c> per lane: the polynomial of <see cref="VectorMath"/>, every multiply-add fused.</summary>
    /// <param name="x">The input.</param>
    /// <returns>The same bits for the same input on every path and CPU.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Sigmoid(Vector128<double> x) => VectorMath.Sigmoid<FusedMultiplyAdd>(x);

    /// <summary>Returns the hyperbolic tangent per lane: the polynomial of <see cref="VectorMath"/>, every multiply-add fused.</summary>
    /// <param name="x">The input.</param>
    /// <returns>The same bits for the same input on every path and CPU.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Tanh(Vector128<double> x) => VectorMath.Tanh<FusedMultiplyAdd>(x);

    /// <summary>Returns <c>a * b + c</c> with one rounding, on every CPU (in software where the hardware has no FMA).</summary>
    /// <param name="a">The first factor.</param>
    /// <param name="b">The second factor.</param>
    /// <param name="c">The addend.</param>
    /// <returns>The fused product and sum.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> MulAdd(Vector256<double> a, Vector256<double> b, Vector256<double> c) => FusedMultiplyAdd.MulAdd(a, b, c);

    /// <summary>Returns the logistic function <c>1 / (1 + e^−x)</c> per lane: the polynomial of <see cref="VectorMath"/>, every multiply-add fused.</summary>
    /// <param name="x">The input.</param>
    /// <returns>The same bits for the same input on every path and CPU.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Sigmoid(Vector256<double> x) => VectorMath.Sigmoid<FusedMultiplyAdd>(x);

    /// <summary>Returns the hyperbolic tangent per lane: the polynomial of <see cref="VectorMath"/>, every multiply-add fused.</summary>
    /// <param name="x">The input.</param>
    /// <returns>The same bits for the same input on every path and CPU.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Tanh(Vector256<double> x) => VectorMath.Tanh<FusedMultiplyAdd>(x);

    /// <summary>Returns <c>a * b + c</c> with one rounding, on every CPU (in software where the hardware has no FMA).</summary>
    /// <param name="a">The first factor.</param>
    /// <param name="b">The second factor.</param>
    /// <param name="c">The addend.</param>
    /// <returns>The fused product and sum.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> MulAdd(Vector512<double> a, Vector512<double> b, Vector512<double> c) => FusedMultiplyAdd.MulAdd(a, b, c);

    /// <summary>Returns the logistic function <c>1 / (1 + e^−x)</c> per lane: the polynomial of <see cref="VectorMath"/>, every multiply-add fused.</summary>
    /// <param name="x">The input.</param>
    /// <returns>The same bits for the same input on every path and CPU.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Sigmoid(Vector512<double> x) => VectorMath.Sigmoid<FusedMultiplyAdd>(x);

    /// <summary>Returns the hyperbolic tangent per lane: the polynomial of <see cref="VectorMath"/>, every multiply-add fused.</summary>
    /// <param name="x">The input.</param>
    /// <returns>The same bits for the same input on every path and CPU.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Tanh(Vector512<double> x) => VectorMath.Tanh<FusedMultiplyAdd>(x);
}

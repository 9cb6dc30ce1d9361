using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using Simd.Kernels;
using Xunit;
using Xunit.Abstractions;

namespace Simd.Tests.Kernels;

/// <summary>
/// Accuracy and edge-case tests for <see cref="VectorMath"/>. Every width is tested unconditionally: widths that are not
/// hardware accelerated in this process run through the runtime's software fallback and must give the same answers.
/// References are <see cref="Math.Tanh(double)"/> and <c>1 / (1 + Math.Exp(−x))</c> in double.
/// </summary>
public sealed class VectorMathTests
{
    // Bounds: each is the value measured by these sweeps (all widths, with and without FMA) times a 2–3x margin, and
    // well inside the design targets (1e-6 float, 1e-14 double). Double measurements include the reference's rounding.
    private const double FloatAbsBound = 3e-7;        // measured 1.2e-7: exp polynomial 1.05e-7 rel + output rounding
    private const double FloatTanhRelBound = 4e-7;    // measured 1.8e-7, just above |x| = 0.625 where the exp branch starts
    private const double DoubleAbsBound = 1e-15;      // measured 3.3e-16 (1.5 ulp of 0.76, partly the reference's)
    private const double DoubleTanhRelBound = 2e-15;  // measured 6.7e-16, just above |x| = 0.55 where the exp branch starts
    private const double TanhRelRegion = 1.0;         // relative error of tanh is checked for |x| ≤ this (incl. subnormals)
    private const int MaxUlpsVersusScalar = 2;        // design requirement; FMA vs no FMA measures exactly 2 (sigmoid near −4, tanh near ±3.3)

    private static readonly float[] FloatSweep = BuildFloatSweep();
    private static readonly double[] DoubleSweep = BuildDoubleSweep();
    private static readonly float[] FloatSweepNegated = Map(FloatSweep, static x => -x);
    private static readonly double[] DoubleSweepNegated = Map(DoubleSweep, static x => -x);
    private static readonly double[] FloatSweepSigmoidRef = Map(FloatSweep, static x => RefSigmoid(x));
    private static readonly double[] FloatSweepTanhRef = Map(FloatSweep, static x => Math.Tanh(x));
    private static readonly double[] DoubleSweepSigmoidRef = Map(DoubleSweep, RefSigmoid);
    private static readonly double[] DoubleSweepTanhRef = Map(DoubleSweep, Math.Tanh);

    private readonly ITestOutputHelper output;

    public VectorMathTests(ITestOutputHelper output) => this.output = output;

    public static TheoryData<int> Widths => new() { 1, 128, 256, 512 };

    public static TheoryData<int> VectorWidths => new() { 128, 256, 512 };

    // ---------------------------------------------------------------- sweeps

    [Theory]
    [MemberData(nameof(Widths))]
    public void FloatSigmoidSweepIsAccurate(int width)
    {
        float[] y = ApplySigmoid(width, FloatSweep);
        (double abs, double absAt, _, _) = Errors(FloatSweep, y, FloatSweepSigmoidRef, 0, 0f, 1f);
        output.WriteLine($"float sigmoid w{width}: max abs {abs:E3} at x={absAt:R}");
        Assert.True(abs <= FloatAbsBound, $"max abs error {abs:E3} at x={absAt:R}");
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void FloatTanhSweepIsAccurate(int width)
    {
        float[] y = ApplyTanh(width, FloatSweep);
        (double abs, double absAt, double rel, double relAt) = Errors(FloatSweep, y, FloatSweepTanhRef, TanhRelRegion, -1f, 1f);
        output.WriteLine($"float tanh w{width}: max abs {abs:E3} at x={absAt:R}; max rel (|x|≤{TanhRelRegion}) {rel:E3} at x={relAt:R}");
        Assert.True(abs <= FloatAbsBound, $"max abs error {abs:E3} at x={absAt:R}");
        Assert.True(rel <= FloatTanhRelBound, $"max rel error {rel:E3} at x={relAt:R}");
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void DoubleSigmoidSweepIsAccurate(int width)
    {
        double[] y = ApplySigmoid(width, DoubleSweep);
        (double abs, double absAt, _, _) = Errors(DoubleSweep, y, DoubleSweepSigmoidRef, 0, 0.0, 1.0);
        output.WriteLine($"double sigmoid w{width}: max abs {abs:E3} at x={absAt:R}");
        Assert.True(abs <= DoubleAbsBound, $"max abs error {abs:E3} at x={absAt:R}");
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void DoubleTanhSweepIsAccurate(int width)
    {
        double[] y = ApplyTanh(width, DoubleSweep);
        (double abs, double absAt, double rel, double relAt) = Errors(DoubleSweep, y, DoubleSweepTanhRef, TanhRelRegion, -1.0, 1.0);
        output.WriteLine($"double tanh w{width}: max abs {abs:E3} at x={absAt:R}; max rel (|x|≤{TanhRelRegion}) {rel:E3} at x={relAt:R}");
        Assert.True(abs <= DoubleAbsBound, $"max abs error {abs:E3} at x={absAt:R}");
        Assert.True(rel <= DoubleTanhRelBound, $"max rel error {rel:E3} at x={relAt:R}");
    }

    [Theory]
    [MemberData(nameof(VectorWidths))]
    public void VectorWidthsAgreeWithScalar(int width)
    {
        long maxUlps = Math.Max(
            MaxUlps(ApplySigmoid(1, FloatSweep), ApplySigmoid(width, FloatSweep)),
            MaxUlps(ApplyTanh(1, FloatSweep), ApplyTanh(width, FloatSweep)));
        long maxUlpsD = Math.Max(
            MaxUlps(ApplySigmoid(1, DoubleSweep), ApplySigmoid(width, DoubleSweep)),
            MaxUlps(ApplyTanh(1, DoubleSweep), ApplyTanh(width, DoubleSweep)));
        output.WriteLine($"w{width} vs scalar: float {maxUlps} ulp, double {maxUlpsD} ulp");
        Assert.InRange(maxUlps, 0, MaxUlpsVersusScalar);
        Assert.InRange(maxUlpsD, 0, MaxUlpsVersusScalar);
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void TanhIsExactlyOddAndBothAreMonotonic(int width)
    {
        float[] yf = ApplyTanh(width, FloatSweep);
        AssertNegated(FloatSweep, yf, ApplyTanh(width, FloatSweepNegated), "float tanh");

        double[] yd = ApplyTanh(width, DoubleSweep);
        AssertNegated(DoubleSweep, yd, ApplyTanh(width, DoubleSweepNegated), "double tanh");

        // Monotonic over the sorted linear part of each sweep (the first LinearCount points).
        AssertNondecreasing(FloatSweep, ApplySigmoid(width, FloatSweep), FloatLinearCount, "float sigmoid");
        AssertNondecreasing(FloatSweep, yf, FloatLinearCount, "float tanh");
        AssertNondecreasing(DoubleSweep, ApplySigmoid(width, DoubleSweep), DoubleLinearCount, "double sigmoid");
        AssertNondecreasing(DoubleSweep, yd, DoubleLinearCount, "double tanh");
    }

    // ---------------------------------------------------------------- special values

    [Theory]
    [MemberData(nameof(Widths))]
    public void FloatSpecialValues(int width)
    {
        float[] specials =
        [
            0f, -0f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, float.Epsilon, -float.Epsilon, 1e-40f, -1e-40f,
            1.17549435e-38f, -1.17549435e-38f, 1e-30f, -1e-30f, 20f, -20f, 44f, -44f, 87.5f, -87.5f, 88.8f, -88.8f, 89f, -89f,
            100f, -100f, 1e30f, -1e30f, float.MaxValue, float.MinValue,
        ];

        // Rotate the inputs through every lane position of the widest vector.
        for (int rotation = 0; rotation < 16; rotation++)
        {
            float[] x = new float[RoundUp(specials.Length + rotation)];
            specials.CopyTo(x, rotation);
            float[] sig = ApplySigmoid(width, x);
            float[] tanh = ApplyTanh(width, x);
            for (int j = 0; j < specials.Length; j++)
            {
                float xi = specials[j];
                float s = sig[rotation + j];
                float t = tanh[rotation + j];
                string at = $"w{width} x={xi:R}: sigmoid={s:R} tanh={t:R}";
                if (float.IsNaN(xi))
                {
                    Assert.True(float.IsNaN(s) && float.IsNaN(t), at);
                    continue;
                }

                // Tanh: exact sign, ±0 preserved, identity for subnormals, exact ±1 once tanh rounds to 1.
                if (xi == 0f || float.IsSubnormal(xi))
                {
                    Assert.True(BitConverter.SingleToInt32Bits(t) == BitConverter.SingleToInt32Bits(xi), at);
                    Assert.True(s == 0.5f, at);
                }
                else if (MathF.Abs(xi) >= 10f)
                {
                    Assert.True(t == MathF.Sign(xi), at);
                }
                else
                {
                    Assert.True(Math.Abs(t - Math.Tanh(xi)) <= FloatTanhRelBound * Math.Abs(Math.Tanh(xi)), at);
                }

                // Sigmoid: exactly 1 once σ rounds to 1, exactly 0 at −∞ and far below the exp cutoff, else accurate.
                Assert.True(s is >= 0f and <= 1f, at);
                if (xi >= 20f)
                {
                    Assert.True(s == 1f, at);
                }
                else if (xi <= -88.8f)
                {
                    Assert.True(s == 0f, at);
                }
                else
                {
                    Assert.True(Math.Abs(s - RefSigmoid(xi)) <= FloatAbsBound, at);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void DoubleSpecialValues(int width)
    {
        double[] specials =
        [
            0.0, -0.0, double.PositiveInfinity, double.NegativeInfinity, double.NaN, double.Epsilon, -double.Epsilon, 1e-310, -1e-310,
            2.2250738585072014e-308, -2.2250738585072014e-308, 1e-200, -1e-200, 20.0, -20.0, 40.0, -40.0, 88.8, -88.8,
            708.0, -708.0, 709.0, -709.0, 710.0, -710.0, 745.2, -745.2, 1e30, -1e30, 1e300, -1e300, double.MaxValue, double.MinValue,
        ];

        for (int rotation = 0; rotation < 8; rotation++)
        {
            double[] x = new double[RoundUp(specials.Length + rotation)];
            specials.CopyTo(x, rotation);
            double[] sig = ApplySigmoid(width, x);
            double[] tanh = ApplyTanh(width, x);
            for (int j = 0; j < specials.Length; j++)
            {
                double xi = specials[j];
                double s = sig[rotation + j];
                double t = tanh[rotation + j];
                string at = $"w{width} x={xi:R}: sigmoid={s:R} tanh={t:R}";
                if (double.IsNaN(xi))
                {
                    Assert.True(double.IsNaN(s) && double.IsNaN(t), at);
                    continue;
                }

                if (xi == 0.0 || double.IsSubnormal(xi))
                {
                    Assert.True(BitConverter.DoubleToInt64Bits(t) == BitConverter.DoubleToInt64Bits(xi), at);
                    Assert.True(s == 0.5, at);
                }
                else if (Math.Abs(xi) >= 20.0)
                {
                    Assert.True(t == Math.Sign(xi), at);
                }
                else
                {
                    Assert.True(Math.Abs(t - Math.Tanh(xi)) <= DoubleTanhRelBound * Math.Abs(Math.Tanh(xi)), at);
                }

                Assert.True(s is >= 0.0 and <= 1.0, at);
                if (xi >= 40.0)
                {
                    Assert.True(s == 1.0, at);
                }
                else if (xi <= -709.0)
                {
                    Assert.True(s == 0.0, at);
                }
                else
                {
                    Assert.True(Math.Abs(s - RefSigmoid(xi)) <= DoubleAbsBound, at);
                }
            }
        }
    }

    // ---------------------------------------------------------------- MulAdd / HorizontalSum

    [Fact]
    public void MulAddIsCorrectForEveryType()
    {
        // a·b = 1 + 2^-k + 2^-2k exactly; c cancels the rounded product, so fused gives 2^-2k and unfused gives 0.
        float fa = 1f + MathF.ScaleB(1f, -12), fc = -(1f + MathF.ScaleB(1f, -11));
        double da = 1.0 + Math.ScaleB(1.0, -27), dc = -(1.0 + Math.ScaleB(1.0, -26));
        Assert.Equal(0f, VectorMath.MulAdd(fa, fa, fc));
        Assert.Equal(0.0, VectorMath.MulAdd(da, da, dc));
        Assert.Equal(22f, VectorMath.MulAdd(3f, 5f, 7f));
        Assert.Equal(22.0, VectorMath.MulAdd(3.0, 5.0, 7.0));

        bool fused128F = Fma.IsSupported || AdvSimd.IsSupported;
        bool fused128D = Fma.IsSupported || AdvSimd.Arm64.IsSupported;
        bool fused512 = Avx512F.IsSupported;
        CheckMulAdd(4, fused128F, fa, fc, (a, b, c) => ToArray(VectorMath.MulAdd(Vector128.Create(a), Vector128.Create(b), Vector128.Create(c))));
        CheckMulAdd(8, Fma.IsSupported, fa, fc, (a, b, c) => ToArray(VectorMath.MulAdd(Vector256.Create(a), Vector256.Create(b), Vector256.Create(c))));
        CheckMulAdd(16, fused512, fa, fc, (a, b, c) => ToArray(VectorMath.MulAdd(Vector512.Create(a), Vector512.Create(b), Vector512.Create(c))));
        CheckMulAdd(2, fused128D, da, dc, (a, b, c) => ToArray(VectorMath.MulAdd(Vector128.Create(a), Vector128.Create(b), Vector128.Create(c))));
        CheckMulAdd(4, Fma.IsSupported, da, dc, (a, b, c) => ToArray(VectorMath.MulAdd(Vector256.Create(a), Vector256.Create(b), Vector256.Create(c))));
        CheckMulAdd(8, fused512, da, dc, (a, b, c) => ToArray(VectorMath.MulAdd(Vector512.Create(a), Vector512.Create(b), Vector512.Create(c))));
    }

    [Fact]
    public void HorizontalSumIsCorrectForEveryType()
    {
        Assert.Equal(10f, VectorMath.HorizontalSum(Vector128.Create(1f, 2f, 3f, 4f)));
        Assert.Equal(36f, VectorMath.HorizontalSum(Vector256.Create(1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f)));
        Assert.Equal(136f, VectorMath.HorizontalSum(Vector512.Create(Iota<float>(16))));
        Assert.Equal(3.0, VectorMath.HorizontalSum(Vector128.Create(1.0, 2.0)));
        Assert.Equal(10.0, VectorMath.HorizontalSum(Vector256.Create(1.0, 2.0, 3.0, 4.0)));
        Assert.Equal(36.0, VectorMath.HorizontalSum(Vector512.Create(Iota<double>(8))));

        // Distinct per-lane magnitudes (powers of two, exact in any order) catch a lane that is dropped or counted twice.
        var random = new Random(7);
        for (int trial = 0; trial < 100; trial++)
        {
            float[] f = new float[16];
            double[] d = new double[8];
            for (int i = 0; i < f.Length; i++)
            {
                f[i] = MathF.ScaleB(random.Next(2) == 0 ? 1f : -1f, i);
            }

            for (int i = 0; i < d.Length; i++)
            {
                d[i] = Math.ScaleB(random.Next(2) == 0 ? 1.0 : -1.0, 3 * i);
            }

            Assert.Equal(Sum(f, 4), VectorMath.HorizontalSum(Vector128.Create(f)));
            Assert.Equal(Sum(f, 8), VectorMath.HorizontalSum(Vector256.Create(f)));
            Assert.Equal(Sum(f, 16), VectorMath.HorizontalSum(Vector512.Create(f)));
            Assert.Equal(Sum(d, 2), VectorMath.HorizontalSum(Vector128.Create(d)));
            Assert.Equal(Sum(d, 4), VectorMath.HorizontalSum(Vector256.Create(d)));
            Assert.Equal(Sum(d, 8), VectorMath.HorizontalSum(Vector512.Create(d)));
        }
    }

    // ---------------------------------------------------------------- helpers

    private const int FloatLinearCount = 1 << 21;  // 2,097,152 evenly spaced points on [-20, 20]
    private const int DoubleLinearCount = 1 << 22; // 4,194,304 points on [-40, 40], offset off the float grid

    private static double RefSigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));

    // Linear part (sorted) followed by a log-spaced walk over bit patterns from the smallest subnormal to ±1e30 (±1e300).
    private static float[] BuildFloatSweep()
    {
        const int stride = 8191;
        int top = BitConverter.SingleToInt32Bits(1e30f);
        int logCount = top / stride;
        float[] x = new float[RoundUp(FloatLinearCount + 2 * logCount)];
        for (int i = 0; i < FloatLinearCount; i++)
        {
            x[i] = (float)(-20.0 + 40.0 * i / (FloatLinearCount - 1));
        }

        for (int i = 0; i < logCount; i++)
        {
            float v = BitConverter.Int32BitsToSingle(1 + i * stride);
            x[FloatLinearCount + 2 * i] = v;
            x[FloatLinearCount + 2 * i + 1] = -v;
        }

        return x;
    }

    private static double[] BuildDoubleSweep()
    {
        const int logCount = 200_000;
        long top = BitConverter.DoubleToInt64Bits(1e300);
        long stride = top / logCount;
        double[] x = new double[RoundUp(DoubleLinearCount + 2 * logCount)];
        double step = 80.0 / DoubleLinearCount;
        for (int i = 0; i < DoubleLinearCount; i++)
        {
            x[i] = -40.0 + (i + 0.318309886183791) * step;
        }

        for (int i = 0; i < logCount; i++)
        {
            double v = BitConverter.Int64BitsToDouble(1 + i * stride);
            x[DoubleLinearCount + 2 * i] = v;
            x[DoubleLinearCount + 2 * i + 1] = -v;
        }

        return x;
    }

    private static int RoundUp(int n) => (n + 15) & ~15;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static TOut[] Map<TIn, TOut>(TIn[] x, Func<TIn, TOut> f)
    {
        var y = new TOut[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = f(x[i]);
        }

        return y;
    }

    private static float[] ApplySigmoid(int width, float[] x) => Apply<float, SigmoidKernel>(width, x);

    private static float[] ApplyTanh(int width, float[] x) => Apply<float, TanhKernel>(width, x);

    private static double[] ApplySigmoid(int width, double[] x) => Apply<double, SigmoidKernel>(width, x);

    private static double[] ApplyTanh(int width, double[] x) => Apply<double, TanhKernel>(width, x);

    // x.Length is a multiple of 16, so every width tiles the array exactly. The loops are compiled fully optimized at
    // once (and the kernels inlined through the struct type argument) so the sweeps do not run in tier-0 code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static T[] Apply<T, TKernel>(int width, T[] x)
        where TKernel : IKernel<T>
    {
        var y = new T[x.Length];
        switch (width)
        {
            case 1:
                for (int i = 0; i < x.Length; i++)
                {
                    y[i] = TKernel.Scalar(x[i]);
                }

                break;
            case 128:
                for (int i = 0; i < x.Length; i += Vector128<T>.Count)
                {
                    TKernel.Vector(Vector128.Create(x, i)).CopyTo(y, i);
                }

                break;
            case 256:
                for (int i = 0; i < x.Length; i += Vector256<T>.Count)
                {
                    TKernel.Vector(Vector256.Create(x, i)).CopyTo(y, i);
                }

                break;
            case 512:
                for (int i = 0; i < x.Length; i += Vector512<T>.Count)
                {
                    TKernel.Vector(Vector512.Create(x, i)).CopyTo(y, i);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(width));
        }

        return y;
    }

    private interface IKernel<T>
    {
        static abstract T Scalar(T x);

        static abstract Vector128<T> Vector(Vector128<T> x);

        static abstract Vector256<T> Vector(Vector256<T> x);

        static abstract Vector512<T> Vector(Vector512<T> x);
    }

    private readonly struct SigmoidKernel : IKernel<float>, IKernel<double>
    {
        public static float Scalar(float x) => VectorMath.Sigmoid(x);

        public static Vector128<float> Vector(Vector128<float> x) => VectorMath.Sigmoid(x);

        public static Vector256<float> Vector(Vector256<float> x) => VectorMath.Sigmoid(x);

        public static Vector512<float> Vector(Vector512<float> x) => VectorMath.Sigmoid(x);

        public static double Scalar(double x) => VectorMath.Sigmoid(x);

        public static Vector128<double> Vector(Vector128<double> x) => VectorMath.Sigmoid(x);

        public static Vector256<double> Vector(Vector256<double> x) => VectorMath.Sigmoid(x);

        public static Vector512<double> Vector(Vector512<double> x) => VectorMath.Sigmoid(x);
    }

    private readonly struct TanhKernel : IKernel<float>, IKernel<double>
    {
        public static float Scalar(float x) => VectorMath.Tanh(x);

        public static Vector128<float> Vector(Vector128<float> x) => VectorMath.Tanh(x);

        public static Vector256<float> Vector(Vector256<float> x) => VectorMath.Tanh(x);

        public static Vector512<float> Vector(Vector512<float> x) => VectorMath.Tanh(x);

        public static double Scalar(double x) => VectorMath.Tanh(x);

        public static Vector128<double> Vector(Vector128<double> x) => VectorMath.Tanh(x);

        public static Vector256<double> Vector(Vector256<double> x) => VectorMath.Tanh(x);

        public static Vector512<double> Vector(Vector512<double> x) => VectorMath.Tanh(x);
    }

    // Max abs error over all points, max rel error over |x| ≤ relRegion; fails on NaN or out-of-range outputs.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (double Abs, double AbsAt, double Rel, double RelAt) Errors<T>(T[] xs, T[] ys, double[] reference, double relRegion, double lo, double hi)
        where T : INumberBase<T>
    {
        double maxAbs = 0, absAt = 0, maxRel = 0, relAt = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            double x = double.CreateTruncating(xs[i]), y = double.CreateTruncating(ys[i]);
            if (!(y >= lo && y <= hi))
            {
                Assert.Fail($"output {y:R} out of range at x={x:R}");
            }

            double err = Math.Abs(y - reference[i]);
            if (err > maxAbs)
            {
                maxAbs = err;
                absAt = x;
            }

            if (Math.Abs(x) <= relRegion && reference[i] != 0)
            {
                double rel = err / Math.Abs(reference[i]);
                if (rel > maxRel)
                {
                    maxRel = rel;
                    relAt = x;
                }
            }
        }

        return (maxAbs, absAt, maxRel, relAt);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long MaxUlps(float[] a, float[] b)
    {
        long max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            max = Math.Max(max, Math.Abs(Ordered(BitConverter.SingleToInt32Bits(a[i])) - Ordered(BitConverter.SingleToInt32Bits(b[i]))));
        }

        return max;

        static long Ordered(int bits) => bits < 0 ? int.MinValue - (long)bits : bits;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long MaxUlps(double[] a, double[] b)
    {
        long max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            max = Math.Max(max, Math.Abs(Ordered(BitConverter.DoubleToInt64Bits(a[i])) - Ordered(BitConverter.DoubleToInt64Bits(b[i]))));
        }

        return max;

        // Both inputs are within [-1, 1], so the mapped difference cannot overflow.
        static long Ordered(long bits) => bits < 0 ? long.MinValue - bits : bits;
    }

    // f(−x) must be bitwise −f(x).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AssertNegated<T>(T[] x, T[] y, T[] yOfNegated, string what)
        where T : INumberBase<T>
    {
        for (int i = 0; i < x.Length; i++)
        {
            if (!yOfNegated[i].Equals(-y[i]) || T.IsNegative(yOfNegated[i]) != T.IsNegative(-y[i]))
            {
                Assert.Fail($"{what} is not odd at x={x[i]}: f(x)={y[i]}, f(-x)={yOfNegated[i]}");
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AssertNondecreasing<T>(T[] x, T[] y, int count, string what)
        where T : IComparable<T>
    {
        for (int i = 1; i < count; i++)
        {
            if (y[i].CompareTo(y[i - 1]) < 0)
            {
                Assert.Fail($"{what} decreases between x={x[i - 1]} and x={x[i]}");
            }
        }
    }

    // Random lanes plus, in a rotating lane, a case whose fused and unfused results differ (2^-24 vs 0).
    private static void CheckMulAdd(int lanes, bool expectFused, float special, float specialC, Func<float[], float[], float[], float[]> f)
    {
        var random = new Random(lanes);
        for (int trial = 0; trial < 200; trial++)
        {
            float[] a = new float[lanes], b = new float[lanes], c = new float[lanes];
            for (int i = 0; i < lanes; i++)
            {
                a[i] = (float)(random.NextDouble() * 4 - 2);
                b[i] = (float)(random.NextDouble() * 4 - 2);
                c[i] = (float)(random.NextDouble() * 4 - 2);
            }

            int lane = trial % lanes;
            (a[lane], b[lane], c[lane]) = (special, special, specialC);
            float[] r = f(a, b, c);
            for (int i = 0; i < lanes; i++)
            {
                float expected = expectFused ? MathF.FusedMultiplyAdd(a[i], b[i], c[i]) : a[i] * b[i] + c[i];
                Assert.Equal(expected, r[i]);
            }
        }
    }

    private static void CheckMulAdd(int lanes, bool expectFused, double special, double specialC, Func<double[], double[], double[], double[]> f)
    {
        var random = new Random(lanes);
        for (int trial = 0; trial < 200; trial++)
        {
            double[] a = new double[lanes], b = new double[lanes], c = new double[lanes];
            for (int i = 0; i < lanes; i++)
            {
                a[i] = random.NextDouble() * 4 - 2;
                b[i] = random.NextDouble() * 4 - 2;
                c[i] = random.NextDouble() * 4 - 2;
            }

            int lane = trial % lanes;
            (a[lane], b[lane], c[lane]) = (special, special, specialC);
            double[] r = f(a, b, c);
            for (int i = 0; i < lanes; i++)
            {
                double expected = expectFused ? Math.FusedMultiplyAdd(a[i], b[i], c[i]) : a[i] * b[i] + c[i];
                Assert.Equal(expected, r[i]);
            }
        }
    }

    private static T[] ToArray<T>(Vector128<T> v)
    {
        var a = new T[Vector128<T>.Count];
        v.CopyTo(a);
        return a;
    }

    private static T[] ToArray<T>(Vector256<T> v)
    {
        var a = new T[Vector256<T>.Count];
        v.CopyTo(a);
        return a;
    }

    private static T[] ToArray<T>(Vector512<T> v)
    {
        var a = new T[Vector512<T>.Count];
        v.CopyTo(a);
        return a;
    }

    private static T[] Iota<T>(int n)
        where T : INumber<T>
    {
        var v = new T[n];
        for (int i = 0; i < n; i++)
        {
            v[i] = T.CreateChecked(i + 1);
        }

        return v;
    }

    private static float Sum(float[] v, int n)
    {
        double s = 0;
        for (int i = 0; i < n; i++)
        {
            s += v[i];
        }

        return (float)s;
    }

    private static double Sum(double[] v, int n)
    {
        double s = 0;
        for (int i = 0; i < n; i++)
        {
            s += v[i];
        }

        return s;
    }
}

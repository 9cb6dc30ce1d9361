using System;
using System.Linq;
using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Simd.Kernels;
using Simd.Tests.Support;
using Xunit;
using static Simd.Tests.Support.AttentionData;

namespace Simd.Tests;

/// <summary>A kernel problem: a vector length 0..70 (mostly not a multiple of any vector width), a row count, a stride slack and a seed.</summary>
public sealed record KernelCase(int Length, int Count, int Slack, int Seed)
{
    public override string ToString() => $"length {Length}, count {Count}, slack {Slack}, seed {Seed}";
}

public static class KernelArbitraries
{
    public static Arbitrary<KernelCase> KernelCases() => Arb.From(
        // Up to 260 as well, so destinations reach the twelve-block path (192 floats, 96 doubles) and its tails.
        from length in Gen.OneOf(Gen.Choose(0, 70), Gen.Choose(0, 260))
        from count in Gen.Choose(0, 20)
        from slack in Gen.Choose(0, 3)
        from seed in Gen.Choose(0, int.MaxValue)
        select new KernelCase(length, count, slack, seed));
}

/// <summary>
/// The public kernels of <see cref="AttentionMath"/> against straightforward double loops, in float and double. Each
/// result must lie within twice the first-order error bound of its formula (γ_n of the sums, the documented tanh and
/// exp errors of VectorMath); the factor 2 covers second-order terms and the double loop's own rounding.
/// </summary>
public sealed class AttentionMathTests
{
    private const int Cases = 200;

    [Property(Arbitrary = new[] { typeof(KernelArbitraries) }, MaxTest = Cases)]
    public void Dot_equals_the_double_sum(KernelCase c)
    {
        DotMatches<float>(c);
        DotMatches<double>(c);
    }

    [Property(Arbitrary = new[] { typeof(KernelArbitraries) }, MaxTest = Cases)]
    public void MultiplyAdd_and_Scale_equal_the_double_loops(KernelCase c)
    {
        MultiplyAddAndScaleMatch<float>(c);
        MultiplyAddAndScaleMatch<double>(c);
    }

    [Property(Arbitrary = new[] { typeof(KernelArbitraries) }, MaxTest = Cases)]
    public void Combine_with_strides_and_accumulate_equals_the_double_loop(KernelCase c)
    {
        CombineMatches<float>(c);
        CombineMatches<double>(c);
    }

    [Property(Arbitrary = new[] { typeof(KernelArbitraries) }, MaxTest = Cases)]
    public void Softmax_and_its_backward_equal_the_double_loops(KernelCase c)
    {
        SoftmaxMatches<float>(c);
        SoftmaxMatches<double>(c);
    }

    [Property(Arbitrary = new[] { typeof(KernelArbitraries) }, MaxTest = Cases)]
    public void Additive_scores_and_their_backward_equal_the_double_loops(KernelCase c)
    {
        AdditiveMatches<float>(c);
        AdditiveMatches<double>(c);
    }

    [Property(Arbitrary = new[] { typeof(KernelArbitraries) }, MaxTest = Cases)]
    public void Transpose_moves_every_element_and_nothing_else(KernelCase c)
    {
        var random = new Random(c.Seed);
        int rows = c.Count, columns = c.Length % 23, sourceStride = columns + c.Slack, destinationStride = rows + random.Next(3);
        var source = Enumerable.Range(0, Math.Max(0, ((rows - 1) * sourceStride) + columns)).Select(static i => (double)i).ToArray();
        var destination = Enumerable.Repeat(-1.0, Math.Max(0, ((columns - 1) * destinationStride) + rows)).ToArray();
        AttentionMath.Transpose<double>(source, rows, columns, sourceStride, destination, destinationStride);
        var expected = Enumerable.Repeat(-1.0, destination.Length).ToArray();
        for (var r = 0; r < rows; r++)
        {
            for (var col = 0; col < columns; col++)
            {
                expected[(col * destinationStride) + r] = source[(r * sourceStride) + col];
            }
        }

        Assert.Equal(expected, destination);
    }

    [Fact]
    public void Softmax_of_one_score_is_exactly_one_and_of_none_is_nothing()
    {
        foreach (var x in new[] { 0f, -1e4f, 1e4f, 3.5f, float.MaxValue, float.MinValue })
        {
            var one = new[] { x };
            AttentionMath.Softmax<float>(one);
            Assert.Equal(1f, one[0]);
        }

        var single = new[] { -1e300 };
        AttentionMath.Softmax<double>(single);
        Assert.Equal(1.0, single[0]);
        AttentionMath.Softmax(Span<double>.Empty);
    }

    [Fact]
    public void Softmax_of_logits_of_1e4_is_finite_and_a_distribution()
    {
        var random = new Random(3);
        foreach (var length in new[] { 2, 3, 7, 16, 17, 33, 70 })
        {
            // Half the scores near +1e4, half near −1e4: e^(x − max) spans far below the smallest normal.
            var scores = Enumerable.Range(0, length).Select(j => (j % 2 == 0 ? 1e4 : -1e4) + random.NextDouble()).ToArray();
            var floats = scores.Select(static s => (float)s).ToArray();
            AttentionMath.Softmax<float>(floats);
            AttentionMath.Softmax<double>(scores);
            Assert.All(floats, static p => Assert.True(p >= 0 && p <= 1));
            Assert.All(scores, static p => Assert.True(p >= 0 && p <= 1));
            Assert.InRange(floats.Sum(static p => (double)p), 1 - 1e-5, 1 + 1e-5);
            Assert.InRange(scores.Sum(), 1 - 1e-13, 1 + 1e-13);
            for (var j = 1; j < length; j += 2)
            {
                Assert.Equal(0f, floats[j]);
                Assert.Equal(0.0, scores[j]);
            }
        }
    }

    [Fact]
    public void Softmax_with_a_NaN_anywhere_is_NaN_everywhere()
    {
        foreach (var length in new[] { 1, 2, 5, 8, 15, 16, 17, 33, 70 })
        {
            for (var at = 0; at < length; at += Math.Max(1, length / 4))
            {
                var floats = Enumerable.Range(0, length).Select(static j => (float)j).ToArray();
                floats[at] = float.NaN;
                AttentionMath.Softmax<float>(floats);
                Assert.All(floats, static p => Assert.True(float.IsNaN(p)));
                var doubles = Enumerable.Range(0, length).Select(static j => (double)-j).ToArray();
                doubles[at] = double.NaN;
                AttentionMath.Softmax<double>(doubles);
                Assert.All(doubles, static p => Assert.True(double.IsNaN(p)));
            }
        }
    }

    [Fact]
    public void Kernels_reject_mismatched_lengths_before_writing()
    {
        static void Length(Action call, string argument, int expected)
        {
            var error = Assert.Throws<ArgumentException>(call);
            Assert.Equal(argument, error.ParamName);
            Assert.Contains($"expected {expected}", error.Message, StringComparison.Ordinal);
        }

        // Strided spans need only be long enough: their message names the smallest length that works.
        static void MinimumLength(Action call, string argument, int minimum)
        {
            var error = Assert.Throws<ArgumentException>(call);
            Assert.Equal(argument, error.ParamName);
            Assert.Contains($"expected at least {minimum}", error.Message, StringComparison.Ordinal);
        }

        var destination = new[] { 5.0, 6, 7 };
        Length(() => AttentionMath.Dot<double>(new double[3], new double[4]), "right", 3);
        Length(() => AttentionMath.MultiplyAdd<double>(new double[4], 2, destination), "destination", 4);
        MinimumLength(() => AttentionMath.Combine<double>(new double[3], new double[8], 3, destination, false), "rows", 9);
        Assert.Equal("rowStride", Assert.Throws<ArgumentOutOfRangeException>(() => AttentionMath.Combine<double>(new double[3], new double[9], -1, destination, false)).ParamName);
        Length(() => AttentionMath.SoftmaxBackward<double>(new double[3], new double[2], destination), "gradient", 3);
        Length(() => AttentionMath.SoftmaxBackward<double>(new double[4], new double[4], destination), "destination", 4);
        Length(() => AttentionMath.AdditiveScores<double>(new double[6], new double[2], new double[3], destination), "scoreWeight", 2);
        MinimumLength(() => AttentionMath.AdditiveScores<double>(new double[5], new double[2], new double[2], destination), "projectedKeys", 6);
        Length(() => AttentionMath.AdditiveScoresBackward<double>(new double[6], new double[2], new double[2], new double[3], new double[6], new double[3], new double[2]), "queryGradient", 2);
        Length(() => AttentionMath.AdditiveScoresBackward<double>(new double[6], new double[2], new double[2], new double[3], new double[6], new double[2], new double[1]), "scoreWeightGradient", 2);
        MinimumLength(() => AttentionMath.AdditiveScoresBackward<double>(new double[6], new double[2], new double[2], new double[3], new double[5], new double[2], new double[2]), "projectedKeyGradient", 6);
        MinimumLength(() => AttentionMath.AdditiveScoresBackward<double>(new double[4], new double[2], new double[2], new double[3], new double[6], new double[2], new double[2]), "projectedKeys", 6);
        MinimumLength(() => AttentionMath.Transpose<double>(new double[5], 2, 3, 3, new double[6], 2), "source", 6);
        MinimumLength(() => AttentionMath.Transpose<double>(new double[6], 2, 3, 3, new double[5], 2), "destination", 6);
        Assert.Equal("rows", Assert.Throws<ArgumentOutOfRangeException>(() => AttentionMath.Transpose<double>(new double[6], 2, 3, 2, new double[6], 2)).ParamName);
        Assert.Equal(new[] { 5.0, 6, 7 }, destination);
    }

    private static void DotMatches<T>(KernelCase c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(c.Seed);
        var x = Uniform<T>(random, c.Length, 2);
        var y = Uniform<T>(random, c.Length, 2);
        double expected = 0, magnitude = 0;
        for (var i = 0; i < c.Length; i++)
        {
            var term = double.CreateTruncating(x[i]) * double.CreateTruncating(y[i]);
            expected += term;
            magnitude += Math.Abs(term);
        }

        var actual = double.CreateTruncating(AttentionMath.Dot<T>(x, y));
        Assert.True(Math.Abs(actual - expected) <= 2 * AttentionPrecision.Of<T>().Gamma(c.Length) * magnitude, $"{typeof(T).Name} dot: {actual:R} vs {expected:R} ({c})");
    }

    private static void MultiplyAddAndScaleMatch<T>(KernelCase c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(c.Seed);
        var u = AttentionPrecision.Of<T>().Unit;
        var x = Uniform<T>(random, c.Length, 3);
        var y = Uniform<T>(random, c.Length, 3);
        var scale = Uniform<T>(random, 1, 2)[0];
        var s = double.CreateTruncating(scale);
        var expected = new double[c.Length];
        var bound = new double[c.Length];
        for (var i = 0; i < c.Length; i++)
        {
            var sx = s * double.CreateTruncating(x[i]);
            expected[i] = sx + double.CreateTruncating(y[i]);
            bound[i] = 2 * u * (Math.Abs(sx) + Math.Abs(double.CreateTruncating(y[i])));
        }

        AttentionMath.MultiplyAdd<T>(x, scale, y);
        AssertWithinBound<T>(expected, bound, y, $"{typeof(T).Name} MultiplyAdd ({c})");

        var scaled = (T[])x.Clone();
        AttentionMath.Scale<T>(scaled, scale);
        for (var i = 0; i < c.Length; i++)
        {
            expected[i] = s * double.CreateTruncating(x[i]);
            bound[i] = u * Math.Abs(expected[i]);
        }

        AssertWithinBound<T>(expected, bound, scaled, $"{typeof(T).Name} Scale ({c})");
    }

    private static void CombineMatches<T>(KernelCase c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(c.Seed);
        var precision = AttentionPrecision.Of<T>();
        var length = c.Length;
        var count = c.Count;

        // Strides from 0 (every coefficient reads one row) to past the row's end, and rows longer than needed.
        var stride = random.Next(4) == 0 ? random.Next(length + 1) : length + c.Slack;
        var coefficients = Uniform<T>(random, count, 1);
        var rows = Uniform<T>(random, Math.Max(0, ((count - 1) * stride) + length) + random.Next(3), 2);
        foreach (var accumulate in new[] { false, true })
        {
            var destination = Uniform<T>(random, length, 1);
            var expected = new double[length];
            var bound = new double[length];
            for (var col = 0; col < length; col++)
            {
                double sum = accumulate ? double.CreateTruncating(destination[col]) : 0;
                var magnitude = Math.Abs(sum);
                for (var j = 0; j < count; j++)
                {
                    var term = double.CreateTruncating(coefficients[j]) * double.CreateTruncating(rows[(j * stride) + col]);
                    sum += term;
                    magnitude += Math.Abs(term);
                }

                expected[col] = sum;
                bound[col] = precision.Gamma(count + 1) * magnitude;
            }

            AttentionMath.Combine<T>(coefficients, rows, stride, destination, accumulate);
            AssertWithinBound<T>(expected, bound, destination, $"{typeof(T).Name} Combine accumulate {accumulate}, stride {stride} ({c})");
        }
    }

    private static void SoftmaxMatches<T>(KernelCase c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(c.Seed);
        var precision = AttentionPrecision.Of<T>();
        var scales = new[] { 1.0, 10, 100, 1e4 };
        var scores = Uniform<T>(random, c.Length, scales[random.Next(scales.Length)]);
        var scoresDouble = ToDouble<T>(scores);
        var expected = new double[c.Length];
        var bound = new double[c.Length];
        SingleHeadReference.Softmax(scoresDouble, new double[c.Length], expected, bound, precision);
        var p = (T[])scores.Clone();
        AttentionMath.Softmax<T>(p);
        AssertWithinBound<T>(expected, bound, p, $"{typeof(T).Name} Softmax ({c})");
        if (c.Length > 0)
        {
            AttentionForwardTests.AssertDistribution<T>(p, static _ => true, precision, $"{typeof(T).Name} Softmax ({c})");
        }

        // Backward from the kernel's own p: d_j = p_j (g_j − Σ_k p_k g_k); the dot product is a sum of n terms and each
        // element adds a subtraction and a product.
        var g = Uniform<T>(random, c.Length, 1);
        double mean = 0, meanMagnitude = 0;
        for (var k = 0; k < c.Length; k++)
        {
            mean += double.CreateTruncating(p[k]) * double.CreateTruncating(g[k]);
            meanMagnitude += Math.Abs(double.CreateTruncating(p[k]) * double.CreateTruncating(g[k]));
        }

        var gradient = new double[c.Length];
        var gradientBound = new double[c.Length];
        for (var j = 0; j < c.Length; j++)
        {
            var pj = double.CreateTruncating(p[j]);
            var gj = double.CreateTruncating(g[j]);
            gradient[j] = pj * (gj - mean);
            gradientBound[j] = Math.Abs(pj) * ((precision.Gamma(c.Length) * meanMagnitude) + (precision.Gamma(2) * (Math.Abs(gj) + Math.Abs(mean))));
        }

        var destination = AttentionForwardTests.Filled(c.Length, T.NaN);
        AttentionMath.SoftmaxBackward<T>(p, g, destination);
        AssertWithinBound<T>(gradient, gradientBound, destination, $"{typeof(T).Name} SoftmaxBackward ({c})");

        // The destination may be the gradient itself.
        AttentionMath.SoftmaxBackward<T>(p, g, g);
        Assert.Equal(destination, g);
    }

    private static void AdditiveMatches<T>(KernelCase c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(c.Seed);
        var precision = AttentionPrecision.Of<T>();
        int size = c.Length, count = c.Count;
        var keys = Uniform<T>(random, (count * size) + random.Next(3), 2);
        var query = Uniform<T>(random, size, 2);
        var v = Uniform<T>(random, size, 1);
        double[] kd = ToDouble<T>(keys), qd = ToDouble<T>(query), vd = ToDouble<T>(v);

        // tanh(q + k) is off by the rounding of the sum (|tanh'| ≤ 1) plus tanh's own documented error.
        double Tanh(int j, int a, out double error)
        {
            var x = qd[a] + kd[(j * size) + a];
            error = (precision.Unit * Math.Abs(x)) + precision.TanhAbsolute;
            return Math.Tanh(x);
        }

        var scores = AttentionForwardTests.Filled(count, T.NaN);
        AttentionMath.AdditiveScores<T>(keys, query, v, scores);
        var expected = new double[count];
        var bound = new double[count];
        for (var j = 0; j < count; j++)
        {
            double magnitude = 0, propagated = 0;
            for (var a = 0; a < size; a++)
            {
                var t = Tanh(j, a, out var error);
                expected[j] += vd[a] * t;
                magnitude += Math.Abs(vd[a] * t);
                propagated += Math.Abs(vd[a]) * error;
            }

            bound[j] = propagated + (precision.Gamma(size) * magnitude);
        }

        AssertWithinBound<T>(expected, bound, scores, $"{typeof(T).Name} AdditiveScores ({c})");

        // Backward: the accumulators start nonzero (they are added to), and some score gradients are exactly 0 (their
        // key rows must stay untouched).
        var scoreGradient = Uniform<T>(random, count, 1);
        for (var j = 0; j < count; j += 3)
        {
            scoreGradient[j] = T.Zero;
        }

        var keyGradient = Uniform<T>(random, keys.Length, 1);
        var queryGradient = Uniform<T>(random, size, 1);
        var weightGradient = Uniform<T>(random, size, 1);
        double[] keyExpected = ToDouble<T>(keyGradient), queryExpected = ToDouble<T>(queryGradient), weightExpected = ToDouble<T>(weightGradient);
        double[] keyBound = keyExpected.Select(x => precision.Unit * Math.Abs(x)).ToArray();
        double[] queryBound = new double[size], weightBound = new double[size];
        double[] queryMagnitude = queryExpected.Select(Math.Abs).ToArray(), weightMagnitude = weightExpected.Select(Math.Abs).ToArray();
        var gd = ToDouble<T>(scoreGradient);
        for (var j = 0; j < count; j++)
        {
            if (gd[j] == 0)
            {
                continue;
            }

            for (var a = 0; a < size; a++)
            {
                var t = Tanh(j, a, out var error);
                var e = gd[j] * vd[a] * (1 - (t * t));

                // 1 − t² is off by 2|t|·δt plus two roundings; the products add two more.
                var eError = Math.Abs(gd[j] * vd[a]) * ((2 * Math.Abs(t) * error) + (4 * precision.Unit));
                weightExpected[a] += gd[j] * t;
                weightBound[a] += Math.Abs(gd[j]) * error;
                weightMagnitude[a] += Math.Abs(gd[j] * t);
                keyExpected[(j * size) + a] += e;
                keyBound[(j * size) + a] += eError + (precision.Unit * (Math.Abs(e) + Math.Abs(keyExpected[(j * size) + a])));
                queryExpected[a] += e;
                queryBound[a] += eError;
                queryMagnitude[a] += Math.Abs(e);
            }
        }

        for (var a = 0; a < size; a++)
        {
            queryBound[a] += precision.Gamma(count + 1) * queryMagnitude[a];
            weightBound[a] += precision.Gamma(count + 1) * weightMagnitude[a];
        }

        var keyGradientBefore = (T[])keyGradient.Clone();
        AttentionMath.AdditiveScoresBackward<T>(keys, query, v, scoreGradient, keyGradient, queryGradient, weightGradient);
        AssertWithinBound<T>(keyExpected, keyBound, keyGradient, $"{typeof(T).Name} projected key gradient ({c})");
        AssertWithinBound<T>(queryExpected, queryBound, queryGradient, $"{typeof(T).Name} query gradient ({c})");
        AssertWithinBound<T>(weightExpected, weightBound, weightGradient, $"{typeof(T).Name} score weight gradient ({c})");
        for (var j = 0; j < count; j += 3)
        {
            Assert.Equal(keyGradientBefore.AsSpan(j * size, size).ToArray(), keyGradient.AsSpan(j * size, size).ToArray());
        }
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Simd.GradCheck;
using Xunit;

namespace Simd.Tests.GradCheck;

/// <summary>A problem for the checker itself: a segment of the given shape and one element to get wrong.</summary>
public sealed record CheckerCase(int Rows, int Columns, int WrongIndex, int Seed)
{
    public override string ToString() => $"[{Rows}, {Columns}], wrong element {WrongIndex}, seed {Seed}";
}

public static class CheckerArbitraries
{
    public static Arbitrary<CheckerCase> Cases() =>
        Arb.From(
            from rows in Gen.Choose(1, 9)
            from columns in Gen.Choose(1, 9)
            from wrong in Gen.Choose(0, (rows * columns) - 1)
            from seed in Gen.Choose(0, int.MaxValue)
            select new CheckerCase(rows, columns, wrong, seed));
}

/// <summary>
/// The checker on a loss whose gradient is known in closed form: L = Σ_i sin(w_i)·x_i + ½ Σ_i x_i², so
/// dL/dw_i = cos(w_i)·x_i and dL/dx_i = sin(w_i) + x_i.
/// </summary>
public sealed class GradientCheckTests
{
    private static (double[] W, double[] X) Problem(int length, int seed)
    {
        var random = new Random(seed);
        return (Enumerable.Range(0, length).Select(_ => (4 * random.NextDouble()) - 2).ToArray(),
                Enumerable.Range(0, length).Select(_ => (4 * random.NextDouble()) - 2).ToArray());
    }

    private static double Loss(double[] w, double[] x)
    {
        var sum = 0.0;
        for (var i = 0; i < w.Length; i++)
        {
            sum += (Math.Sin(w[i]) * x[i]) + (0.5 * x[i] * x[i]);
        }

        return sum;
    }

    private static double[] GradientW(double[] w, double[] x) => w.Select((v, i) => Math.Cos(v) * x[i]).ToArray();

    private static double[] GradientX(double[] w, double[] x) => w.Select((v, i) => Math.Sin(v) + x[i]).ToArray();

    [Property(Arbitrary = new[] { typeof(CheckerArbitraries) }, MaxTest = 50)]
    public void A_correct_gradient_passes_with_every_element_checked(CheckerCase c)
    {
        var (w, x) = Problem(c.Rows * c.Columns, c.Seed);
        var result = new GradientCheck()
            .Add("weights", w, GradientW(w, x), [c.Rows, c.Columns])
            .Add("x", x, GradientX(w, x))
            .Run(() => Loss(w, x));

        Assert.True(result.Passed, result.ToString());
        Assert.Equal(2 * w.Length, result.CheckedElements);
        Assert.Equal(2, result.Segments);
        Assert.Equal(0, result.FailedElements);
        Assert.NotNull(result.Worst);
        Assert.True(result.Worst!.Ratio <= 1, result.ToString());
        Assert.Equal(Loss(w, x), result.Loss);
        result.AssertPasses();
    }

    [Property(Arbitrary = new[] { typeof(CheckerArbitraries) }, MaxTest = 50)]
    public void A_wrong_element_is_reported_by_name_and_index(CheckerCase c)
    {
        var (w, x) = Problem(c.Rows * c.Columns, c.Seed);
        var gradient = GradientW(w, x);

        // 1e-4 is 100 times the tolerance at |gradient| ≤ 2 (1e-6 + 1e-6·2) yet a small slip, like a missing minor term.
        gradient[c.WrongIndex] += 1e-4;
        var result = new GradientCheck()
            .Add("x", x, GradientX(w, x))
            .Add("weights", w, gradient, [c.Rows, c.Columns])
            .Run(() => Loss(w, x));

        Assert.False(result.Passed);
        Assert.Equal(1, result.FailedElements);
        var worst = result.Worst!;
        Assert.Equal("weights", worst.Segment);
        Assert.Equal(c.WrongIndex, worst.Index);
        Assert.Equal(new[] { c.WrongIndex / c.Columns, c.WrongIndex % c.Columns }, worst.Position);
        Assert.Equal(gradient[c.WrongIndex], worst.Analytic);
        Assert.InRange(worst.Error, 0.9e-4, 1.1e-4);
        var exception = Assert.Throws<GradientCheckException>(() => result.AssertPasses("toy problem"));
        Assert.StartsWith("toy problem: Gradient check FAILED: 1 of", exception.Message, StringComparison.Ordinal);
        Assert.Contains($"weights[{c.WrongIndex / c.Columns}, {c.WrongIndex % c.Columns}] (flat {c.WrongIndex})", exception.Message, StringComparison.Ordinal);
        Assert.Same(result, exception.Result);
    }

    [Fact]
    public void A_scattered_segment_is_reported_at_its_logical_index()
    {
        // The values live in storage in reverse order; logical element j is storage element 5 − j.
        var storage = new double[] { 0.3, -1.2, 0.7, 1.9, -0.4, 0.05 };
        var gradient = storage.Select(Math.Cos).ToArray();
        gradient[5 - 2] += 1e-3;
        int[] reversed = [5, 4, 3, 2, 1, 0];
        var result = new GradientCheck()
            .Add("scattered", () => storage, gradient, reversed, [2, 3])
            .Run(() => storage.Sum(Math.Sin));

        Assert.Equal(1, result.FailedElements);
        Assert.Equal("scattered", result.Worst!.Segment);
        Assert.Equal(2, result.Worst.Index);
        Assert.Equal(new[] { 0, 2 }, result.Worst.Position);
    }

    [Property(Arbitrary = new[] { typeof(CheckerArbitraries) }, MaxTest = 30)]
    public void Values_are_restored_bit_for_bit(CheckerCase c)
    {
        var (w, x) = Problem(c.Rows * c.Columns, c.Seed);

        // Values whose neighbours x ± ε do not round back to x: a tiny subnormal, −0, a large value, an odd mantissa.
        w[0] = double.Epsilon;
        x[0] = -0.0;
        w[^1] = 1e17;
        x[^1] = 0.1 + 0.2;
        var before = w.Concat(x).Select(BitConverter.DoubleToInt64Bits).ToArray();
        new GradientCheck().Add("w", w, GradientW(w, x)).Add("x", x, GradientX(w, x)).Run(() => Loss(w, x));
        Assert.Equal(before, w.Concat(x).Select(BitConverter.DoubleToInt64Bits).ToArray());
    }

    [Fact]
    public void Values_are_restored_when_the_loss_throws()
    {
        var values = new[] { 0.1, 0.2, 0.3 };
        var calls = 0;
        var check = new GradientCheck().Add("v", values, new double[3]);

        // Call 1 is the unperturbed loss, call 2 the first element at x + ε: it throws while the element is perturbed.
        var exception = Assert.Throws<InvalidOperationException>(() => check.Run(() => ++calls == 2 ? throw new InvalidOperationException("loss failed") : 0.0));
        Assert.Equal("loss failed", exception.Message);
        Assert.Equal(new[] { 0.1, 0.2, 0.3 }, values);
    }

    [Fact]
    public void A_sample_checks_distinct_elements_chosen_by_the_seed()
    {
        double[] values = new double[50], shortValues = new double[4];
        var perturbed = new List<int>();
        double Loss()
        {
            for (var i = 0; i < values.Length; i++)
            {
                if (values[i] > 0)
                {
                    perturbed.Add(i);
                }
            }

            return values.Sum() + shortValues.Sum();
        }

        var ones = Enumerable.Repeat(1.0, 50).ToArray();
        var options = new GradientCheckOptions { ElementsPerSegment = 7, Seed = 3 };
        var result = new GradientCheck().Add("v", values, ones).Add("short", shortValues, new double[] { 1, 1, 1, 1 }).Run(Loss, options);
        Assert.True(result.Passed, result.ToString());

        // 7 of the 50, and all 4 of the shorter segment.
        Assert.Equal(7 + 4, result.CheckedElements);
        Assert.Equal(7, perturbed.Distinct().Count());
        Assert.Equal(7, perturbed.Count);

        var first = perturbed.ToArray();
        perturbed.Clear();
        new GradientCheck().Add("v", values, ones).Run(Loss, options);
        Assert.Equal(first, perturbed);

        perturbed.Clear();
        new GradientCheck().Add("v", values, ones).Run(Loss, options with { Seed = 4 });
        Assert.NotEqual(first, perturbed);
    }

    [Fact]
    public void A_nan_gradient_fails()
    {
        var values = new[] { 1.0, 2.0 };
        var result = new GradientCheck().Add("v", values, new[] { 1.0, double.NaN }).Run(() => values.Sum());
        Assert.False(result.Passed);
        Assert.Equal(1, result.Worst!.Index);
        Assert.Equal(double.PositiveInfinity, result.Worst.Error);
    }

    [Fact]
    public void Bad_segments_throw_naming_the_argument_and_leave_the_check_unchanged()
    {
        var check = new GradientCheck().Add("a", new double[3], new double[3]);

        var length = Assert.Throws<ArgumentException>(() => check.Add("b", new double[4], new double[3]));
        Assert.Equal("analytic", length.ParamName);
        Assert.Contains("has length 3; expected 4", length.Message, StringComparison.Ordinal);

        var duplicate = Assert.Throws<ArgumentException>(() => check.Add("a", new double[3], new double[3]));
        Assert.Equal("name", duplicate.ParamName);

        var shape = Assert.Throws<ArgumentException>(() => check.Add("c", new double[6], new double[6], [4, 2]));
        Assert.Equal("shape", shape.ParamName);
        Assert.Contains("product is 6", shape.Message, StringComparison.Ordinal);

        var storage = new double[3];
        var outOfRange = Assert.Throws<ArgumentException>(() => check.Add("d", () => storage, new double[3], [0, 3]));
        Assert.Equal("storageIndices", outOfRange.ParamName);
        var repeated = Assert.Throws<ArgumentException>(() => check.Add("d", () => storage, new double[3], [1, 1]));
        Assert.Equal("storageIndices", repeated.ParamName);

        Assert.Throws<ArgumentException>(() => check.Add(string.Empty, new double[1], new double[1]));
        Assert.Equal(new[] { "a" }, check.SegmentNames);

        Assert.Throws<ArgumentOutOfRangeException>("options", () => check.Run(() => 0, new GradientCheckOptions { Epsilon = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>("options", () => check.Run(() => 0, new GradientCheckOptions { AbsoluteTolerance = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>("options", () => check.Run(() => 0, new GradientCheckOptions { ElementsPerSegment = -1 }));
    }
}

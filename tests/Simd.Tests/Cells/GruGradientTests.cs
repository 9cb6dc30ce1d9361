using System;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using Simd.Tests.Support;
using Xunit;

namespace Simd.Tests;

/// <summary>
/// Backward through time of every double-precision GRU (both variants) against central finite differences of the
/// forward pass. The loss is L = Σ_t ⟨dL/dh_t, h_t⟩ + ⟨g_h, h_T⟩ with random weights g, so its gradient is exactly
/// what Backward computes from those output gradients.
/// </summary>
public sealed class GruGradientTests
{
    // Central differences with step 1e-5 in double: truncation error ≈ ε²/6·|L'''| (≤ 1e-9 here) and rounding
    // ≈ 1e-16·|L|/ε (≤ 1e-8 for |L| ≲ 1e3). 1e-6 absolute plus 1e-6 relative leaves a wide margin over both while
    // still catching any wrong term (those are O(1e-2) and larger). Same reasoning as for the LSTM.
    private const double Epsilon = 1e-5;
    private const double AbsoluteTolerance = 1e-6;
    private const double RelativeTolerance = 1e-6;

    private static Arbitrary<(int Steps, int Batch, int Seed)> Cases() =>
        Arb.From(
            from steps in Gen.Choose(1, 20)
            from batch in Gen.Choose(1, 4)
            from seed in Gen.Choose(0, int.MaxValue)
            select (steps, batch, seed));

    [Theory]
    [MemberData(nameof(GruCatalog.DoubleCells), MemberType = typeof(GruCatalog))]
    public void Gradients_equal_central_finite_differences(string variant, string shape)
    {
        var cell = GruCatalog.Double(variant, shape);

        // The largest shape costs ~100× more per forward pass; fewer cases keep the suite fast.
        var maxTest = cell.ParameterCount > 100_000 ? 2 : 5;
        FsCheck.Check.One(
            Config.QuickThrowOnFailure.WithMaxTest(maxTest),
            Prop.ForAll(Cases(), c => GradientsMatch(cell, new GruCase(cell.InputSize, cell.HiddenSize, c.Steps, c.Batch, c.Seed), c.Seed)));
    }

    [Theory]
    [InlineData("after")]
    [InlineData("before")]
    public void Parameter_gradients_accumulate_across_backward_calls(string variant)
    {
        var cell = GruCatalog.Double(variant, "7x13");
        var c = new GruCase(7, 13, 5, 3, 11);
        c.Load(cell);
        var analytic = Analytic(cell, c);
        var twice = new double[cell.ParameterCount];
        var tape = cell.CreateTape(c.Steps, c.Batch);
        for (var round = 0; round < 2; round++)
        {
            RunBackward(cell, c, tape, twice, out _, out _);
        }

        for (var i = 0; i < twice.Length; i++)
        {
            Assert.Equal(2 * analytic.Parameters[i], twice[i], 12);
        }
    }

    private static void GradientsMatch(IHiddenStateCell<double> cell, GruCase c, int seed)
    {
        c.Load(cell);
        var analytic = Analytic(cell, c);
        var random = new Random(seed);
        var parameters = cell.Parameters.ToArray();

        // Every parameter kind of every gate is sampled: weight_ih, weight_hh and both biases, by PyTorch index.
        for (var n = 0; n < 24; n++)
        {
            var row = ((n / 4 % 3) * c.H) + random.Next(c.H);
            var index = (n % 4) switch
            {
                0 => cell.WeightIndex(row, random.Next(c.I)),
                1 => cell.WeightIndex(row, c.I + random.Next(c.H)),
                2 => cell.BiasIhIndex(row),
                _ => cell.BiasHhIndex(row),
            };
            var numeric = Numeric(v => { parameters.CopyTo(cell.Parameters); cell.Parameters[index] = v; return Loss(cell, c, c.Inputs, c.Hidden0); }, parameters[index]);
            Compare(analytic.Parameters[index], numeric, $"parameter {index} (row {row}, kind {n % 4})", c);
        }

        parameters.CopyTo(cell.Parameters);
        foreach (var (name, values, gradient) in new[] { ("x", c.Inputs, analytic.Inputs), ("h0", c.Hidden0, analytic.Hidden0) })
        {
            for (var n = 0; n < 10; n++)
            {
                var index = random.Next(values.Length);
                var numeric = Numeric(
                    v =>
                    {
                        var copy = (double[])values.Clone();
                        copy[index] = v;
                        return Loss(cell, c, name == "x" ? copy : c.Inputs, name == "h0" ? copy : c.Hidden0);
                    },
                    values[index]);
                Compare(gradient[index], numeric, $"{name}[{index}]", c);
            }
        }
    }

    private static double Numeric(Func<double, double> loss, double at) =>
        (loss(at + Epsilon) - loss(at - Epsilon)) / (2 * Epsilon);

    private static void Compare(double analytic, double numeric, string what, GruCase c)
    {
        var tolerance = AbsoluteTolerance + (RelativeTolerance * Math.Abs(numeric));
        Assert.True(
            Math.Abs(analytic - numeric) <= tolerance,
            $"d L / d {what}: analytic {analytic:R} vs finite difference {numeric:R} ({c})");
    }

    private static double Loss(IHiddenStateCell<double> cell, GruCase c, double[] inputs, double[] h0)
    {
        var h = (double[])h0.Clone();
        var outputs = new double[c.Steps * c.Batch * c.H];
        cell.Forward(c.Steps, c.Batch, inputs, h, outputs, tape: null);
        return Dot(outputs, c.OutputGradients) + Dot(h, c.FinalHiddenGradient);
    }

    private static double Dot(double[] a, double[] b) => a.Zip(b, static (x, y) => x * y).Sum();

    private static (double[] Parameters, double[] Inputs, double[] Hidden0) Analytic(IHiddenStateCell<double> cell, GruCase c)
    {
        var gradients = new double[cell.ParameterCount];
        RunBackward(cell, c, cell.CreateTape(c.Steps, c.Batch), gradients, out var dx, out var dh0);
        return (gradients, dx, dh0);
    }

    private static void RunBackward(IHiddenStateCell<double> cell, GruCase c, Tape<double> tape, double[] gradients, out double[] dx, out double[] dh0)
    {
        var h = (double[])c.Hidden0.Clone();
        var outputs = new double[c.Steps * c.Batch * c.H];
        cell.Forward(c.Steps, c.Batch, c.Inputs, h, outputs, tape);
        dx = new double[c.Inputs.Length];
        dh0 = new double[c.Hidden0.Length];
        cell.Backward(tape, c.OutputGradients, c.FinalHiddenGradient, dx, dh0, gradients);
    }
}

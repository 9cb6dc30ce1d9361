using System;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using Simd.Tests.Support;
using Xunit;
using static Simd.Tests.Support.HiddenStateGradients;

namespace Simd.Tests;

/// <summary>
/// Backward through time of every double-precision RNN shape against central finite differences of the forward pass.
/// The loss is L = Σ_t ⟨dL/dh_t, h_t⟩ + ⟨g_h, h_T⟩ with random weights g, so its gradient is exactly what Backward
/// computes from those output gradients.
/// </summary>
public sealed class RnnGradientTests
{
    private static Arbitrary<(int Steps, int Batch, int Seed)> Cases() =>
        Arb.From(
            from steps in Gen.Choose(1, 20)
            from batch in Gen.Choose(1, 4)
            from seed in Gen.Choose(0, int.MaxValue)
            select (steps, batch, seed));

    [Theory]
    [MemberData(nameof(RnnCatalog.DoubleShapes), MemberType = typeof(RnnCatalog))]
    public void Gradients_equal_central_finite_differences(string shape)
    {
        var cell = RnnCatalog.Double(shape);
        var relu = RnnCatalog.IsRelu(shape);

        // The largest shape costs ~100× more per forward pass; fewer cases keep the suite fast.
        var maxTest = cell.ParameterCount > 50_000 ? 2 : 5;
        FsCheck.Check.One(
            Config.QuickThrowOnFailure.WithMaxTest(maxTest),
            Prop.ForAll(Cases(), c => GradientsMatch(cell, new RnnCase(cell.InputSize, cell.HiddenSize, relu, c.Steps, c.Batch, c.Seed), c.Seed)));
    }

    [Fact]
    public void Parameter_gradients_accumulate_across_backward_calls()
    {
        IHiddenStateCell<double> cell = new Rnn7x13D();
        var c = new RnnCase(7, 13, relu: false, 5, 3, 11);
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

    [Fact]
    public void Relu_gradient_is_zero_where_the_pre_activation_is_exactly_zero()
    {
        // Zero weights and b_ih = −b_hh give pre-activations of exactly 0: PyTorch's convention is a zero derivative,
        // so nothing flows back to the parameters, the inputs or the initial state.
        IHiddenStateCell<double> cell = new RnnRelu3x5D();
        var bias = new[] { 0.5, -0.25, 1, 0, -2 };
        cell.ImportPyTorch(new double[15], new double[25], bias, bias.Select(static b => -b).ToArray());
        var tape = cell.CreateTape(2, 1);
        cell.Forward(2, 1, new[] { 1.0, -1, 2, 0.5, 0.5, 0.5 }, new double[5], new double[10], tape);
        var gradients = new double[cell.ParameterCount];
        var dx = new double[6];
        var dh0 = new double[5];
        cell.Backward(tape, Enumerable.Repeat(1.0, 10).ToArray(), Enumerable.Repeat(1.0, 5).ToArray(), dx, dh0, gradients);
        Assert.All(gradients, static g => Assert.Equal(0, g));
        Assert.All(dx, static g => Assert.Equal(0, g));
        Assert.All(dh0, static g => Assert.Equal(0, g));
    }

    private static void GradientsMatch(IHiddenStateCell<double> cell, RnnCase c, int seed)
    {
        c.Load(cell);
        var analytic = Analytic(cell, c);
        var random = new Random(seed);
        var parameters = cell.Parameters.ToArray();
        int checkedCount = 0, skipped = 0;

        void CompareUnlessKink(double analyticValue, Func<double, (double[] Inputs, double[] Hidden0)> problem, Func<double, double> loss, double at, string what)
        {
            // ReLU's loss has a kink wherever a pre-activation crosses 0. A central difference whose ±ε evaluations
            // see different on/off patterns differentiates across it and says nothing about the derivative, so
            // only those coordinates are skipped, and at most half of any case's (asserted below).
            if (c.Relu && !SamePattern(cell, c, problem, at))
            {
                skipped++;
                return;
            }

            checkedCount++;
            Compare(analyticValue, Numeric(loss, at), what, c);
        }

        // Every parameter kind is sampled: weight_ih, weight_hh and both biases, by PyTorch index.
        for (var n = 0; n < 24; n++)
        {
            var row = random.Next(c.H);
            var index = (n % 4) switch
            {
                0 => cell.WeightIndex(row, random.Next(c.I)),
                1 => cell.WeightIndex(row, c.I + random.Next(c.H)),
                2 => cell.BiasIhIndex(row),
                _ => cell.BiasHhIndex(row),
            };
            CompareUnlessKink(
                analytic.Parameters[index],
                v => { parameters.CopyTo(cell.Parameters); cell.Parameters[index] = v; return (c.Inputs, c.Hidden0); },
                v => { parameters.CopyTo(cell.Parameters); cell.Parameters[index] = v; return Loss(cell, c, c.Inputs, c.Hidden0); },
                parameters[index],
                $"parameter {index} (row {row})");
        }

        parameters.CopyTo(cell.Parameters);
        foreach (var (name, values, gradient) in new[] { ("x", c.Inputs, analytic.Inputs), ("h0", c.Hidden0, analytic.Hidden0) })
        {
            for (var n = 0; n < 10; n++)
            {
                var index = random.Next(values.Length);
                (double[] Inputs, double[] Hidden0) Perturbed(double v)
                {
                    var copy = (double[])values.Clone();
                    copy[index] = v;
                    return name == "x" ? (copy, c.Hidden0) : (c.Inputs, copy);
                }

                CompareUnlessKink(gradient[index], Perturbed, v => { var p = Perturbed(v); return Loss(cell, c, p.Inputs, p.Hidden0); }, values[index], $"{name}[{index}]");
            }
        }

        parameters.CopyTo(cell.Parameters);
        Assert.True(skipped <= checkedCount, $"{skipped} of {skipped + checkedCount} coordinates sit on a ReLU kink ({c})");
    }

    /// <summary>
    /// Whether every pre-activation keeps its sign (on: &gt; 0) across the evaluations at at−ε, at and at+ε, computed by
    /// the reference from the cell's parameters as <paramref name="problem"/> sets them.
    /// </summary>
    private static bool SamePattern(IHiddenStateCell<double> cell, RnnCase c, Func<double, (double[] Inputs, double[] Hidden0)> problem, double at)
    {
        bool[]? first = null;
        foreach (var v in new[] { at - Epsilon, at, at + Epsilon })
        {
            var (inputs, hidden0) = problem(v);
            var wih = new double[c.H * c.I];
            var whh = new double[c.H * c.H];
            var bih = new double[c.H];
            var bhh = new double[c.H];
            cell.ExportPyTorch(wih, whh, bih, bhh);
            var pre = new double[c.Steps * c.Batch * c.H];
            new RnnReference(c.I, c.H, relu: true, wih, whh, bih, bhh).Forward(c.Steps, c.Batch, inputs, (double[])hidden0.Clone(), pre);
            var pattern = pre.Select(static p => p > 0).ToArray();
            if (first is null)
            {
                first = pattern;
            }
            else if (!pattern.SequenceEqual(first))
            {
                return false;
            }
        }

        return true;
    }
}

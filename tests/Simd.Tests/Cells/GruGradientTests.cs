using System;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using Simd.Tests.Support;
using Xunit;
using static Simd.Tests.Support.HiddenStateGradients;

namespace Simd.Tests;

/// <summary>
/// Backward through time of every double-precision GRU (both variants) against central finite differences of the
/// forward pass. The loss is L = Σ_t ⟨dL/dh_t, h_t⟩ + ⟨g_h, h_T⟩ with random weights g, so its gradient is exactly
/// what Backward computes from those output gradients.
/// </summary>
public sealed class GruGradientTests
{
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
}

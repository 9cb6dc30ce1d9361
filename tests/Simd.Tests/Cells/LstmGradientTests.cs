using System;
using FsCheck;
using FsCheck.Fluent;
using Simd.GradCheck;
using Simd.Tests.Support;
using Xunit;

namespace Simd.Tests;

/// <summary>
/// Backward through time of every double-precision shape against central finite differences of the forward pass.
/// The loss is L = Σ_t ⟨dL/dh_t, h_t⟩ + ⟨g_h, h_T⟩ + ⟨g_c, c_T⟩ with random weights g, so its gradient is exactly
/// what Backward computes from those output gradients.
/// </summary>
public sealed class LstmGradientTests
{
    // Central differences with step 1e-5 in double: truncation error ≈ ε²/6·|L'''| (≤ 1e-9 here) and rounding
    // ≈ 1e-16·|L|/ε (≤ 1e-8 for |L| ≲ 1e3). 1e-6 absolute plus 1e-6 relative leaves a wide margin over both while
    // still catching any wrong term (those are O(1e-2) and larger). Ten distinct elements of every tensor
    // (weight_ih, weight_hh, bias_ih, bias_hh, by PyTorch index), of the inputs and of both initial states are checked.
    private static GradientCheckOptions Options(int seed) =>
        new() { Epsilon = 1e-5, AbsoluteTolerance = 1e-6, RelativeTolerance = 1e-6, ElementsPerSegment = 10, Seed = seed };

    private static Arbitrary<(int Steps, int Batch, int Seed)> Cases() =>
        Arb.From(
            from steps in Gen.Choose(1, 20)
            from batch in Gen.Choose(1, 4)
            from seed in Gen.Choose(0, int.MaxValue)
            select (steps, batch, seed));

    [Theory]
    [MemberData(nameof(CellCatalog.DoubleShapes), MemberType = typeof(CellCatalog))]
    public void Gradients_equal_central_finite_differences(string shape)
    {
        var cell = CellCatalog.Double(shape);

        // The largest shape costs ~100× more per forward pass; fewer cases keep the suite fast.
        var maxTest = cell.ParameterCount > 100_000 ? 2 : 5;
        FsCheck.Check.One(
            Config.QuickThrowOnFailure.WithMaxTest(maxTest),
            Prop.ForAll(Cases(), c => GradientsMatch(cell, new LstmCase(cell.InputSize, cell.HiddenSize, c.Steps, c.Batch, c.Seed), c.Seed)));
    }

    [Fact]
    public void Parameter_gradients_accumulate_across_backward_calls()
    {
        ILstmCell<double> cell = new Lstm7x13D();
        var c = new LstmCase(7, 13, 5, 3, 11);
        c.Load(cell);
        var analytic = Analytic(cell, c);
        var twice = new double[cell.ParameterCount];
        var tape = cell.CreateTape(c.Steps, c.Batch);
        for (var round = 0; round < 2; round++)
        {
            RunBackward(cell, c, tape, twice, out _, out _, out _);
        }

        for (var i = 0; i < twice.Length; i++)
        {
            Assert.Equal(2 * analytic.Parameters[i], twice[i], 12);
        }
    }

    private static void GradientsMatch(ILstmCell<double> cell, LstmCase c, int seed)
    {
        c.Load(cell);
        CellGradientCheck.CheckCell(cell, c.Steps, c.Batch, c.Inputs, c.Hidden0, c.Cell0, Options(seed)).AssertPasses(c.ToString());
    }

    private static (double[] Parameters, double[] Inputs, double[] Hidden0, double[] Cell0) Analytic(ILstmCell<double> cell, LstmCase c)
    {
        var gradients = new double[cell.ParameterCount];
        RunBackward(cell, c, cell.CreateTape(c.Steps, c.Batch), gradients, out var dx, out var dh0, out var dc0);
        return (gradients, dx, dh0, dc0);
    }

    private static void RunBackward(ILstmCell<double> cell, LstmCase c, Tape<double> tape, double[] gradients, out double[] dx, out double[] dh0, out double[] dc0)
    {
        var h = (double[])c.Hidden0.Clone();
        var cs = (double[])c.Cell0.Clone();
        var outputs = new double[c.Steps * c.Batch * c.H];
        cell.Forward(c.Steps, c.Batch, c.Inputs, h, cs, outputs, tape);
        dx = new double[c.Inputs.Length];
        dh0 = new double[c.Hidden0.Length];
        dc0 = new double[c.Cell0.Length];
        cell.Backward(tape, c.OutputGradients, c.FinalHiddenGradient, c.FinalCellGradient, dx, dh0, dc0, gradients);
    }
}

using System;
using System.Linq;
using Xunit;

namespace Simd.Tests.Support;

/// <summary>What a GRU or RNN test problem provides to the gradient checks.</summary>
internal interface IHiddenStateCase
{
    int Steps { get; }

    int Batch { get; }

    int H { get; }

    double[] Inputs { get; }

    double[] Hidden0 { get; }

    double[] OutputGradients { get; }

    double[] FinalHiddenGradient { get; }
}

/// <summary>
/// Finite-difference machinery shared by the GRU and RNN gradient tests. The loss is
/// L = Σ_t ⟨dL/dh_t, h_t⟩ + ⟨g_h, h_T⟩ with the case's random weights, so its gradient is exactly what Backward
/// computes from those output gradients.
/// </summary>
internal static class HiddenStateGradients
{
    // Central differences with step 1e-5 in double: truncation error ≈ ε²/6·|L'''| (≤ 1e-9 here) and rounding
    // ≈ 1e-16·|L|/ε (≤ 1e-8 for |L| ≲ 1e3). 1e-6 absolute plus 1e-6 relative leaves a wide margin over both while
    // still catching any wrong term (those are O(1e-2) and larger). Same reasoning as for the LSTM.
    public const double Epsilon = 1e-5;
    public const double AbsoluteTolerance = 1e-6;
    public const double RelativeTolerance = 1e-6;

    public static double Numeric(Func<double, double> loss, double at) =>
        (loss(at + Epsilon) - loss(at - Epsilon)) / (2 * Epsilon);

    public static void Compare(double analytic, double numeric, string what, IHiddenStateCase c)
    {
        var tolerance = AbsoluteTolerance + (RelativeTolerance * Math.Abs(numeric));
        Assert.True(
            Math.Abs(analytic - numeric) <= tolerance,
            $"d L / d {what}: analytic {analytic:R} vs finite difference {numeric:R} ({c})");
    }

    public static double Loss(IHiddenStateCell<double> cell, IHiddenStateCase c, double[] inputs, double[] h0)
    {
        var h = (double[])h0.Clone();
        var outputs = new double[c.Steps * c.Batch * c.H];
        cell.Forward(c.Steps, c.Batch, inputs, h, outputs, tape: null);
        return Dot(outputs, c.OutputGradients) + Dot(h, c.FinalHiddenGradient);
    }

    public static double Dot(double[] a, double[] b) => a.Zip(b, static (x, y) => x * y).Sum();

    public static (double[] Parameters, double[] Inputs, double[] Hidden0) Analytic(IHiddenStateCell<double> cell, IHiddenStateCase c)
    {
        var gradients = new double[cell.ParameterCount];
        RunBackward(cell, c, cell.CreateTape(c.Steps, c.Batch), gradients, out var dx, out var dh0);
        return (gradients, dx, dh0);
    }

    public static void RunBackward(IHiddenStateCell<double> cell, IHiddenStateCase c, Tape<double> tape, double[] gradients, out double[] dx, out double[] dh0)
    {
        var h = (double[])c.Hidden0.Clone();
        var outputs = new double[c.Steps * c.Batch * c.H];
        cell.Forward(c.Steps, c.Batch, c.Inputs, h, outputs, tape);
        dx = new double[c.Inputs.Length];
        dh0 = new double[c.Hidden0.Length];
        cell.Backward(tape, c.OutputGradients, c.FinalHiddenGradient, dx, dh0, gradients);
    }
}

using System;
using Xunit;

namespace Simd.Tests.Support;

/// <summary>
/// Finite-difference machinery for the double attention cells. The losses are L = Σ ⟨G, output⟩ with random G, so
/// their gradients are exactly what the backward passes compute from G.
/// </summary>
internal static class AttentionGradients
{
    // Central differences with step 1e-5 in double: truncation ≈ ε²/6·|L'''| (≲ 1e-9 for these smooth losses with
    // O(1) weights) and rounding ≈ 1e-16·|L|/ε (≲ 1e-9 for |L| ≲ 1e2). 1e-6 absolute plus 1e-6 relative leaves a wide
    // margin over both and still catches a wrong or missing term, which is O(1e-2) or larger here.
    public const double Epsilon = 1e-5;
    public const double AbsoluteTolerance = 1e-6;
    public const double RelativeTolerance = 1e-6;

    public static double Numeric(Func<double, double> loss, double at) =>
        (loss(at + Epsilon) - loss(at - Epsilon)) / (2 * Epsilon);

    public static void Compare(double analytic, double numeric, string what)
    {
        var tolerance = AbsoluteTolerance + (RelativeTolerance * Math.Abs(numeric));
        Assert.True(
            Math.Abs(analytic - numeric) <= tolerance,
            $"dL/d{what}: analytic {analytic:R} vs finite difference {numeric:R}");
    }

    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    /// <summary>L = Σ_s ⟨G_s, context_s⟩ of a decoder whose steps share one Prepare of the memory.</summary>
    public static double DecoderLoss(
        ISingleHeadAttention<double> cell, int keyCount, int batch, double[] keys, double[] values, int[] lengths, double[][] queries, double[][] contextGradients)
    {
        var workspace = cell.CreateWorkspace(keyCount, batch);
        cell.Prepare(keyCount, batch, keys, values, lengths, workspace);
        var context = new double[batch * cell.ValueSize];
        var loss = 0.0;
        for (var s = 0; s < queries.Length; s++)
        {
            cell.Step(queries[s], workspace, context, Span<double>.Empty);
            loss += Dot(context, contextGradients[s]);
        }

        return loss;
    }

    /// <summary>L = ⟨G, output⟩ of one multi-head forward pass.</summary>
    public static double MultiHeadLoss(
        IMultiHeadAttention<double> cell, int queryCount, int keyCount, int batch, double[] query, double[] key, double[] value, int[] keyLengths, bool causal, double[] outputGradient)
    {
        var workspace = cell.CreateWorkspace(Math.Max(queryCount, keyCount), batch);
        var output = new double[batch * queryCount * cell.ModelSize];
        cell.Forward(queryCount, keyCount, batch, query, key, value, keyLengths, causal, output, Span<double>.Empty, workspace);
        return Dot(output, outputGradient);
    }
}

using System;

namespace Simd.Benchmarks;

/// <summary>
/// Checks in each benchmark's GlobalSetup that the generated cell and <see cref="ScalarLstm"/> agree, and throws if not,
/// so no timing is ever reported for wrong code (BenchmarkDotNet marks the case failed and the program exits non-zero).
/// </summary>
/// <remarks>
/// Tolerances (float32 on both sides; the generated cell uses polynomial exp/tanh with ≤ 2e-7 error, FMA and a different
/// summation order): states, outputs and input/state gradients — max |a − b| ≤ <see cref="StateTolerance"/>
/// (values are O(1)); parameter gradients, which sum T·B products — max |a − b| ≤ <see cref="GradientTolerance"/> ×
/// max(1, max |reference|).
/// </remarks>
public static class Verify
{
    /// <summary>Absolute tolerance for h, c, outputs and input/initial-state gradients.</summary>
    public const float StateTolerance = 1e-4f;

    /// <summary>Tolerance for parameter gradients, relative to the largest reference gradient magnitude (at least 1).</summary>
    public const float GradientTolerance = 1e-4f;

    /// <summary>Copies the scalar cell's PyTorch-layout parameters into a generated cell.</summary>
    /// <param name="cell">Generated cell.</param><param name="reference">Source of parameters.</param>
    public static void CopyParameters(ILstmCell<float> cell, ScalarLstm reference)
        => cell.ImportPyTorch(reference.WeightIh, reference.WeightHh, reference.BiasIh, reference.BiasHh);

    /// <summary>Throws when max |actual − expected| exceeds <paramref name="tolerance"/>; returns the max difference.</summary>
    /// <param name="what">Name for the message.</param><param name="actual">Generated cell's values.</param>
    /// <param name="expected">Reference values.</param><param name="tolerance">Allowed absolute difference.</param>
    /// <param name="difference">What is subtracted from what, for the messages.</param>
    /// <returns>The largest absolute difference.</returns>
    public static float Close(string what, ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, float tolerance, string difference = "generated − scalar")
    {
        if (actual.Length != expected.Length)
        {
            throw new InvalidOperationException($"{what}: length {actual.Length} != {expected.Length}");
        }
        float worst = 0;
        int at = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            float d = MathF.Abs(actual[i] - expected[i]);
            if (!(d <= worst))
            {
                worst = d; // NaN also lands here and fails below
                at = i;
            }
        }
        if (!(worst <= tolerance))
        {
            throw new InvalidOperationException(
                $"Verification failed for {what}: max |{difference}| = {worst:E3} at [{at}] (values {actual[at]} and {expected[at]}) > tolerance {tolerance:E1}.");
        }
        Console.WriteLine($"// verified {what}: max |{difference}| = {worst:E2} (tolerance {tolerance:E1})");
        return worst;
    }

    /// <summary>Like <see cref="Close"/> with a tolerance relative to the reference's largest magnitude (at least 1).</summary>
    /// <param name="what">Name for the message.</param><param name="actual">Generated cell's values.</param>
    /// <param name="expected">Reference values.</param><param name="relativeTolerance">Tolerance per unit of scale.</param>
    /// <param name="difference">What is subtracted from what, for the messages.</param>
    /// <returns>The largest absolute difference.</returns>
    public static float CloseScaled(string what, ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, float relativeTolerance, string difference = "generated − scalar")
    {
        float scale = 1;
        foreach (float e in expected)
        {
            scale = MathF.Max(scale, MathF.Abs(e));
        }
        return Close(what, actual, expected, relativeTolerance * scale, difference);
    }

    /// <summary>Random values from U(−1, 1).</summary>
    /// <param name="length">Count.</param><param name="seed">Seed.</param>
    /// <returns>A new array.</returns>
    public static float[] RandomArray(int length, int seed)
    {
        var values = new float[length];
        ScalarLstm.Fill(new Random(seed), values, 1f);
        return values;
    }
}

/// <summary>
/// A scalar reference and a generated cell set up with the same seeded parameters, input and state, and checked to
/// agree over a few steps before anything is timed.
/// </summary>
public sealed class StepFixture
{
    /// <summary>Builds the pair and verifies <paramref name="cell"/> against the reference.</summary>
    /// <param name="label">Name for verification messages.</param>
    /// <param name="cell">The generated cell to check.</param>
    /// <param name="tolerance">Allowed absolute difference in h and c.</param>
    /// <param name="alsoLoad">Other cells to give the same parameters (not checked).</param>
    public StepFixture(string label, ILstmCell<float> cell, float tolerance, params ILstmCell<float>[] alsoLoad)
    {
        int n = cell.InputSize, h = cell.HiddenSize;
        Scalar = new ScalarLstm(n, h);
        Scalar.Initialize(42);
        Verify.CopyParameters(cell, Scalar);
        foreach (var other in alsoLoad)
        {
            Verify.CopyParameters(other, Scalar);
        }

        X = Verify.RandomArray(n, 1);
        HScalar = Verify.RandomArray(h, 2);
        CScalar = Verify.RandomArray(h, 3);
        HSimd = (float[])HScalar.Clone();
        CSimd = (float[])CScalar.Clone();
        for (int t = 0; t < 3; t++)
        {
            Scalar.Step(X, HScalar, CScalar);
            cell.Step(X, HSimd, CSimd);
            Verify.Close($"{label} h (step {t + 1})", HSimd, HScalar, tolerance);
            Verify.Close($"{label} c (step {t + 1})", CSimd, CScalar, tolerance);
        }
    }

    /// <summary>The scalar reference.</summary>
    public ScalarLstm Scalar { get; }

    /// <summary>The input.</summary>
    public float[] X { get; }

    /// <summary>The reference's state.</summary>
    public float[] HScalar { get; }

    /// <summary>The reference's cell state.</summary>
    public float[] CScalar { get; }

    /// <summary>The generated cell's state.</summary>
    public float[] HSimd { get; }

    /// <summary>The generated cell's cell state.</summary>
    public float[] CSimd { get; }
}

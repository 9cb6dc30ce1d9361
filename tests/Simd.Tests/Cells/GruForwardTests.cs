using System;
using FsCheck;
using FsCheck.Fluent;
using Simd.Tests.Support;
using Xunit;

namespace Simd.Tests;

/// <summary>Forward paths of every generated GRU (both variants) against the double-precision scalar reference.</summary>
public sealed class GruForwardTests
{
    // Float: unit roundoff 2⁻²⁴, activations within 1.2e-7 (VectorMath's measured bound, documented there).
    private static double SingleTolerance(GruCase c) => c.ForwardTolerance(Math.Pow(2, -24), 1.2e-7);

    // Double: unit roundoff 2⁻⁵³, activations within 3.4e-16.
    private static double DoubleTolerance(GruCase c) => c.ForwardTolerance(Math.Pow(2, -53), 3.4e-16);

    private static Arbitrary<(int Steps, int Batch, int Seed)> Cases() =>
        Arb.From(
            from steps in Gen.Choose(1, 8)
            from batch in Gen.Choose(1, 9)
            from seed in Gen.Choose(0, int.MaxValue)
            select (steps, batch, seed));

    private static void Check(Action<(int Steps, int Batch, int Seed)> property, int maxTest) =>
        FsCheck.Check.One(Config.QuickThrowOnFailure.WithMaxTest(maxTest), Prop.ForAll(Cases(), property));

    [Theory]
    [MemberData(nameof(GruCatalog.SingleCells), MemberType = typeof(GruCatalog))]
    public void Single_precision_step_batch_and_sequence_equal_the_reference(string variant, string shape)
    {
        var cell = GruCatalog.Single(variant, shape);
        Check(c => ForwardMatches(cell, variant == "before", new GruCase(cell.InputSize, cell.HiddenSize, c.Steps, c.Batch, c.Seed)), 10);
    }

    [Theory]
    [MemberData(nameof(GruCatalog.DoubleCells), MemberType = typeof(GruCatalog))]
    public void Double_precision_step_batch_and_sequence_equal_the_reference(string variant, string shape)
    {
        var cell = GruCatalog.Double(variant, shape);
        Check(c => ForwardMatches(cell, variant == "before", new GruCase(cell.InputSize, cell.HiddenSize, c.Steps, c.Batch, c.Seed)), 10);
    }

    [Theory]
    [InlineData("7x13")]
    [InlineData("17x31")]
    [InlineData("66x7")]
    public void Gru_variants_differ_on_the_same_weights(string shape)
    {
        // The same PyTorch tensors in both variants: each must match its own reference, and the two must differ
        // by far more than either's tolerance, or a cell could be computing the other variant's candidate.
        var after = GruCatalog.Double("after", shape);
        var before = GruCatalog.Double("before", shape);
        var c = new GruCase(after.InputSize, after.HiddenSize, 4, 2, 2024);
        c.Load(after);
        c.Load(before);
        var outputs = new double[2][];
        foreach (var (cell, index) in new[] { (after, 0), (before, 1) })
        {
            var h = (double[])c.Hidden0.Clone();
            outputs[index] = new double[c.Steps * c.Batch * c.H];
            cell.Forward(c.Steps, c.Batch, c.Inputs, h, outputs[index], tape: null);
            var expectedH = (double[])c.Hidden0.Clone();
            var expected = c.Reference(resetBefore: index == 1).Forward(c.Steps, c.Batch, c.Inputs, expectedH);
            Near(expected, outputs[index], DoubleTolerance(c), index == 0 ? "reset after" : "reset before", c);
        }

        var difference = TestMath.WorstAbsoluteError(outputs[0], outputs[1].AsSpan(), out _);

        // Where r ⊙ h differs from h, W_hn (r ⊙ h) differs from r ⊙ (W_hn h) by O(|W_hn|·|h|) ≈ 0.1 at these scales.
        Assert.True(difference > 1e3 * DoubleTolerance(c), $"the variants agree to {difference:E3} ({c})");
    }

    private static void ForwardMatches(IHiddenStateCell<float> cell, bool resetBefore, GruCase c)
    {
        c.Load(cell);
        var expected = ReferenceOutputs(c, resetBefore, out var finalH);
        var tolerance = SingleTolerance(c);
        var x = GruCase.ToFloat(c.Inputs);
        int I = c.I, H = c.H, T = c.Steps, B = c.Batch;

        // Single-sample steps.
        var h = GruCase.ToFloat(c.Hidden0);
        var stepped = new float[T * B * H];
        for (var t = 0; t < T; t++)
        {
            for (var s = 0; s < B; s++)
            {
                cell.Step(x.AsSpan(((t * B) + s) * I, I), h.AsSpan(s * H, H));
                h.AsSpan(s * H, H).CopyTo(stepped.AsSpan(((t * B) + s) * H));
            }
        }

        Near(expected, stepped, tolerance, "Step", c);

        // Batched steps.
        h = GruCase.ToFloat(c.Hidden0);
        var batched = new float[T * B * H];
        for (var t = 0; t < T; t++)
        {
            cell.StepBatch(x.AsSpan(t * B * I, B * I), h);
            h.CopyTo(batched.AsSpan(t * B * H));
        }

        Near(expected, batched, tolerance, "StepBatch", c);

        // Sequence forward, without and with a (larger than needed) tape.
        foreach (var tape in new[] { null, cell.CreateTape(T + 1, B + 2) })
        {
            h = GruCase.ToFloat(c.Hidden0);
            var outputs = new float[T * B * H];
            cell.Forward(T, B, x, h, outputs, tape);
            Near(expected, outputs, tolerance, tape is null ? "Forward" : "Forward with tape", c);
            Near(finalH, h, tolerance, "final hidden", c);
        }
    }

    private static void ForwardMatches(IHiddenStateCell<double> cell, bool resetBefore, GruCase c)
    {
        c.Load(cell);
        var expected = ReferenceOutputs(c, resetBefore, out var finalH);
        var tolerance = DoubleTolerance(c);
        int H = c.H, T = c.Steps, B = c.Batch;
        var h = (double[])c.Hidden0.Clone();
        var batched = new double[T * B * H];
        for (var t = 0; t < T; t++)
        {
            cell.StepBatch(c.Inputs.AsSpan(t * B * c.I, B * c.I), h);
            h.CopyTo(batched.AsSpan(t * B * H));
        }

        Near(expected, batched, tolerance, "StepBatch", c);
        h = (double[])c.Hidden0.Clone();
        var outputs = new double[T * B * H];
        cell.Forward(T, B, c.Inputs, h, outputs, cell.CreateTape(T, B));
        Near(expected, outputs, tolerance, "Forward with tape", c);
        Near(finalH, h, tolerance, "final hidden", c);
    }

    private static double[] ReferenceOutputs(GruCase c, bool resetBefore, out double[] finalH)
    {
        finalH = (double[])c.Hidden0.Clone();
        return c.Reference(resetBefore).Forward(c.Steps, c.Batch, c.Inputs, finalH);
    }

    private static void Near<T>(double[] expected, ReadOnlySpan<T> actual, double tolerance, string what, GruCase c)
        where T : System.Numerics.INumberBase<T>
    {
        var worst = TestMath.WorstAbsoluteError(expected, actual, out var index);
        Assert.True(worst <= tolerance, $"{what}: |error| {worst:E3} at {index} exceeds {tolerance:E3} ({c})");
    }
}

using System;
using FsCheck;
using FsCheck.Fluent;
using Simd.Tests.Support;
using Xunit;

namespace Simd.Tests;

/// <summary>Forward paths of every generated shape against the double-precision scalar reference.</summary>
public sealed class LstmForwardTests
{
    // Float: unit roundoff 2⁻²⁴, activations within 1.2e-7 (VectorMath's measured bound, documented there).
    private static double SingleTolerance(LstmCase c) => c.ForwardTolerance(Math.Pow(2, -24), 1.2e-7);

    // Double: unit roundoff 2⁻⁵³, activations within 3.4e-16.
    private static double DoubleTolerance(LstmCase c) => c.ForwardTolerance(Math.Pow(2, -53), 3.4e-16);

    private static Arbitrary<(int Steps, int Batch, int Seed)> Cases() =>
        Arb.From(
            from steps in Gen.Choose(1, 8)
            from batch in Gen.Choose(1, 9)
            from seed in Gen.Choose(0, int.MaxValue)
            select (steps, batch, seed));

    private static void Check(Action<(int Steps, int Batch, int Seed)> property, int maxTest) =>
        FsCheck.Check.One(Config.QuickThrowOnFailure.WithMaxTest(maxTest), Prop.ForAll(Cases(), property));

    [Theory]
    [MemberData(nameof(CellCatalog.SingleShapes), MemberType = typeof(CellCatalog))]
    public void Single_precision_step_batch_and_sequence_equal_the_reference(string shape)
    {
        var cell = CellCatalog.Single(shape);
        Check(c => ForwardMatches(cell, new LstmCase(cell.InputSize, cell.HiddenSize, c.Steps, c.Batch, c.Seed)), 12);
    }

    [Theory]
    [MemberData(nameof(CellCatalog.DoubleShapes), MemberType = typeof(CellCatalog))]
    public void Double_precision_step_batch_and_sequence_equal_the_reference(string shape)
    {
        var cell = CellCatalog.Double(shape);
        Check(c => ForwardMatches(cell, new LstmCase(cell.InputSize, cell.HiddenSize, c.Steps, c.Batch, c.Seed)), 12);
    }

    private static void ForwardMatches(ILstmCell<float> cell, LstmCase c)
    {
        c.Load(cell);
        var expected = ReferenceOutputs(c, out var finalH, out var finalC);
        var tolerance = SingleTolerance(c);
        var x = LstmCase.ToFloat(c.Inputs);
        int I = c.I, H = c.H, T = c.Steps, B = c.Batch;

        // Single-sample steps.
        var h = LstmCase.ToFloat(c.Hidden0);
        var cs = LstmCase.ToFloat(c.Cell0);
        var stepped = new float[T * B * H];
        for (var t = 0; t < T; t++)
        {
            for (var s = 0; s < B; s++)
            {
                cell.Step(x.AsSpan(((t * B) + s) * I, I), h.AsSpan(s * H, H), cs.AsSpan(s * H, H));
                h.AsSpan(s * H, H).CopyTo(stepped.AsSpan(((t * B) + s) * H));
            }
        }

        Near(expected, stepped, tolerance, "Step", c);
        Near(finalC, cs, tolerance, "Step cell state", c);

        // Batched steps.
        h = LstmCase.ToFloat(c.Hidden0);
        cs = LstmCase.ToFloat(c.Cell0);
        var batched = new float[T * B * H];
        for (var t = 0; t < T; t++)
        {
            cell.StepBatch(x.AsSpan(t * B * I, B * I), h, cs);
            h.CopyTo(batched.AsSpan(t * B * H));
        }

        Near(expected, batched, tolerance, "StepBatch", c);

        // Sequence forward, without and with a tape.
        foreach (var tape in new[] { null, cell.CreateTape(T + 1, B + 2) })
        {
            h = LstmCase.ToFloat(c.Hidden0);
            cs = LstmCase.ToFloat(c.Cell0);
            var outputs = new float[T * B * H];
            cell.Forward(T, B, x, h, cs, outputs, tape);
            Near(expected, outputs, tolerance, tape is null ? "Forward" : "Forward with tape", c);
            Near(finalH, h, tolerance, "final hidden", c);
            Near(finalC, cs, tolerance, "final cell", c);
        }
    }

    private static void ForwardMatches(ILstmCell<double> cell, LstmCase c)
    {
        c.Load(cell);
        var expected = ReferenceOutputs(c, out var finalH, out var finalC);
        var tolerance = DoubleTolerance(c);
        int H = c.H, T = c.Steps, B = c.Batch;
        var h = (double[])c.Hidden0.Clone();
        var cs = (double[])c.Cell0.Clone();
        var batched = new double[T * B * H];
        for (var t = 0; t < T; t++)
        {
            cell.StepBatch(c.Inputs.AsSpan(t * B * c.I, B * c.I), h, cs);
            h.CopyTo(batched.AsSpan(t * B * H));
        }

        Near(expected, batched, tolerance, "StepBatch", c);
        h = (double[])c.Hidden0.Clone();
        cs = (double[])c.Cell0.Clone();
        var outputs = new double[T * B * H];
        cell.Forward(T, B, c.Inputs, h, cs, outputs, cell.CreateTape(T, B));
        Near(expected, outputs, tolerance, "Forward with tape", c);
        Near(finalH, h, tolerance, "final hidden", c);
        Near(finalC, cs, tolerance, "final cell", c);
    }

    private static double[] ReferenceOutputs(LstmCase c, out double[] finalH, out double[] finalC)
    {
        finalH = (double[])c.Hidden0.Clone();
        finalC = (double[])c.Cell0.Clone();
        return c.Reference().Forward(c.Steps, c.Batch, c.Inputs, finalH, finalC);
    }

    internal static void Near<T>(double[] expected, ReadOnlySpan<T> actual, double tolerance, string what, LstmCase c)
        where T : System.Numerics.INumberBase<T>
    {
        var worst = TestMath.WorstAbsoluteError(expected, actual, out var index);
        Assert.True(worst <= tolerance, $"{what}: |error| {worst:E3} at {index} exceeds {tolerance:E3} ({c})");
    }
}

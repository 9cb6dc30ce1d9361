using System;
using System.Linq;
using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using Simd.Tests.Support;
using Xunit;

namespace Simd.Tests;

/// <summary>
/// Forward paths of every generated RNN shape against the double-precision scalar reference. Each output h_{t+1} is
/// compared with the reference step taken from the same path's own h_t (h_0 at the first step), so the tolerance is
/// one step's rounding error: a sequence-level bound would have to grow with the recurrence's gain, which for ReLU is
/// not bounded at all. A wrong previous state, a wrong step or a wrong sample offset still shows up at the step
/// where it happens.
/// </summary>
public sealed class RnnForwardTests
{
    // Float: unit roundoff 2⁻²⁴, tanh within 1.2e-7 (VectorMath's measured bound, documented there); ReLU is exact.
    private static double SingleTolerance(RnnCase c, double maxHidden) =>
        c.StepTolerance(Math.Pow(2, -24), c.Relu ? 0 : 1.2e-7, maxHidden);

    // Double: unit roundoff 2⁻⁵³, tanh within 3.4e-16.
    private static double DoubleTolerance(RnnCase c, double maxHidden) =>
        c.StepTolerance(Math.Pow(2, -53), c.Relu ? 0 : 3.4e-16, maxHidden);

    private static Arbitrary<(int Steps, int Batch, int Seed)> Cases() =>
        Arb.From(
            from steps in Gen.Choose(1, 8)
            from batch in Gen.Choose(1, 9)
            from seed in Gen.Choose(0, int.MaxValue)
            select (steps, batch, seed));

    private static void Check(Action<(int Steps, int Batch, int Seed)> property, int maxTest) =>
        FsCheck.Check.One(Config.QuickThrowOnFailure.WithMaxTest(maxTest), Prop.ForAll(Cases(), property));

    [Theory]
    [MemberData(nameof(RnnCatalog.SingleShapes), MemberType = typeof(RnnCatalog))]
    public void Single_precision_step_batch_and_sequence_equal_the_reference(string shape)
    {
        var cell = RnnCatalog.Single(shape);
        Check(c => ForwardMatches(cell, new RnnCase(cell.InputSize, cell.HiddenSize, RnnCatalog.IsRelu(shape), c.Steps, c.Batch, c.Seed)), 12);
    }

    [Theory]
    [MemberData(nameof(RnnCatalog.DoubleShapes), MemberType = typeof(RnnCatalog))]
    public void Double_precision_step_batch_and_sequence_equal_the_reference(string shape)
    {
        var cell = RnnCatalog.Double(shape);
        Check(c => ForwardMatches(cell, new RnnCase(cell.InputSize, cell.HiddenSize, RnnCatalog.IsRelu(shape), c.Steps, c.Batch, c.Seed)), 12);
    }

    [Fact]
    public void The_declared_nonlinearity_is_exposed()
    {
        Assert.Equal(RnnNonlinearity.Tanh, Rnn7x13.Nonlinearity);
        Assert.Equal(RnnNonlinearity.Relu, RnnRelu7x13.Nonlinearity);
        Assert.Equal(RnnNonlinearity.Relu, RnnRelu7x13D.Nonlinearity);
    }

    [Fact]
    public void Relu_outputs_are_zero_exactly_where_the_pre_activation_is_not_positive()
    {
        // With zero weights and biases of either sign, h' = max(0, b_ih + b_hh) exactly.
        var cell = new RnnRelu17x31();
        var biasIh = Enumerable.Range(0, 31).Select(static u => (u % 3) - 1f).ToArray();
        var biasHh = Enumerable.Range(0, 31).Select(static u => u % 2 == 0 ? 0.25f : -0.25f).ToArray();
        cell.ImportPyTorch(new float[31 * 17], new float[31 * 31], biasIh, biasHh);
        var hidden = new float[31];
        cell.Step(new float[17], hidden);
        for (var u = 0; u < 31; u++)
        {
            Assert.Equal(Math.Max(0, biasIh[u] + biasHh[u]), hidden[u]);
        }
    }

    private static void ForwardMatches(IHiddenStateCell<float> cell, RnnCase c)
    {
        c.Load(cell);
        var x = RnnCase.ToFloat(c.Inputs);
        int I = c.I, H = c.H, T = c.Steps, B = c.Batch;

        // Single-sample steps.
        var h = RnnCase.ToFloat(c.Hidden0);
        var stepped = new float[T * B * H];
        for (var t = 0; t < T; t++)
        {
            for (var s = 0; s < B; s++)
            {
                cell.Step(x.AsSpan(((t * B) + s) * I, I), h.AsSpan(s * H, H));
                h.AsSpan(s * H, H).CopyTo(stepped.AsSpan(((t * B) + s) * H));
            }
        }

        StepsMatch(c, stepped, "Step", SingleTolerance);

        // Batched steps.
        h = RnnCase.ToFloat(c.Hidden0);
        var batched = new float[T * B * H];
        for (var t = 0; t < T; t++)
        {
            cell.StepBatch(x.AsSpan(t * B * I, B * I), h);
            h.CopyTo(batched.AsSpan(t * B * H));
        }

        StepsMatch(c, batched, "StepBatch", SingleTolerance);

        // Sequence forward without and with a tape (larger than needed): the same kernels, so the same bits.
        var sequences = new float[2][];
        var tapes = new[] { null, cell.CreateTape(T + 1, B + 2) };
        for (var i = 0; i < 2; i++)
        {
            h = RnnCase.ToFloat(c.Hidden0);
            sequences[i] = new float[T * B * H];
            cell.Forward(T, B, x, h, sequences[i], tapes[i]);
            StepsMatch(c, sequences[i], tapes[i] is null ? "Forward" : "Forward with tape", SingleTolerance);
            Assert.Equal(sequences[i].AsSpan((T - 1) * B * H).ToArray(), h);
        }

        Assert.Equal(sequences[0], sequences[1]);
    }

    private static void ForwardMatches(IHiddenStateCell<double> cell, RnnCase c)
    {
        c.Load(cell);
        int H = c.H, T = c.Steps, B = c.Batch;
        var h = (double[])c.Hidden0.Clone();
        var batched = new double[T * B * H];
        for (var t = 0; t < T; t++)
        {
            cell.StepBatch(c.Inputs.AsSpan(t * B * c.I, B * c.I), h);
            h.CopyTo(batched.AsSpan(t * B * H));
        }

        StepsMatch(c, batched, "StepBatch", DoubleTolerance);
        h = (double[])c.Hidden0.Clone();
        var outputs = new double[T * B * H];
        cell.Forward(T, B, c.Inputs, h, outputs, cell.CreateTape(T, B));
        StepsMatch(c, outputs, "Forward with tape", DoubleTolerance);
        Assert.Equal(outputs.AsSpan((T - 1) * B * H).ToArray(), h);
    }

    /// <summary>Checks every output of a path against the reference step from that path's previous state.</summary>
    private static void StepsMatch<T>(RnnCase c, T[] outputs, string what, Func<RnnCase, double, double> tolerance)
        where T : INumberBase<T>
    {
        int I = c.I, H = c.H, B = c.Batch;
        var states = outputs.Select(static v => double.CreateTruncating(v)).ToArray();
        var maxHidden = Math.Max(c.Hidden0.Max(Math.Abs), states.Max(Math.Abs));
        var bound = tolerance(c, maxHidden);
        var reference = c.Reference();
        for (var t = 0; t < c.Steps; t++)
        {
            for (var s = 0; s < B; s++)
            {
                var row = (t * B) + s;
                var previous = t == 0 ? c.Hidden0.AsSpan(s * H, H) : states.AsSpan((row - B) * H, H);
                var expected = reference.Step(c.Inputs.AsSpan(row * I, I), previous);
                var worst = TestMath.WorstAbsoluteError(expected, outputs.AsSpan(row * H, H), out var unit);
                Assert.True(worst <= bound, $"{what}: step {t} sample {s} unit {unit}: |error| {worst:E3} exceeds {bound:E3} ({c})");
            }
        }
    }
}

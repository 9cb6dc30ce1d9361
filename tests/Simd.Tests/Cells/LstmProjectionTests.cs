using System;
using System.Collections.Generic;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using Simd.Tests.Support;
using Xunit;

namespace Simd.Tests;

/// <summary>The generated projected cells (<c>ProjectionSize</c> = P) under test, by name.</summary>
public static class ProjectedCellCatalog
{
    private static readonly Dictionary<string, Func<IProjectedLstmCell<float>>> Singles = new()
    {
        ["3x5p2"] = static () => new LstmP3x5p2(),
        ["7x13p5"] = static () => new LstmP7x13p5(),
        ["17x31p9"] = static () => new LstmP17x31p9(),
        ["33x65p17"] = static () => new LstmP33x65p17(),
        ["16x32p16"] = static () => new LstmP16x32p16(),
        ["100x3p1"] = static () => new LstmP100x3p1(),
        ["64x64p20"] = static () => new LstmP64x64p20(),
        ["1x2p1"] = static () => new LstmP1x2p1(),
    };

    private static readonly Dictionary<string, Func<IProjectedLstmCell<double>>> Doubles = new()
    {
        ["3x5p2"] = static () => new LstmP3x5p2D(),
        ["7x13p5"] = static () => new LstmP7x13p5D(),
        ["17x31p9"] = static () => new LstmP17x31p9D(),
        ["33x65p17"] = static () => new LstmP33x65p17D(),
        ["100x3p1"] = static () => new LstmP100x3p1D(),
        ["9x42p11"] = static () => new LstmP9x42p11D(),
    };

    public static TheoryData<string> SingleShapes => new(Singles.Keys);

    public static TheoryData<string> DoubleShapes => new(Doubles.Keys);

    public static IProjectedLstmCell<float> Single(string shape) => Singles[shape]();

    public static IProjectedLstmCell<double> Double(string shape) => Doubles[shape]();
}

/// <summary>
/// LSTM cells with a projection (PyTorch's <c>nn.LSTM(proj_size=P)</c>): forward paths against the double-precision
/// scalar reference, backward against central finite differences, allocation, argument checks and the PyTorch layout.
/// </summary>
public sealed class LstmProjectionTests
{
    // Float: unit roundoff 2⁻²⁴, activations within 1.2e-7 (VectorMath's measured bound, documented there).
    private static double SingleTolerance(LstmProjectionCase c) => c.ForwardTolerance(Math.Pow(2, -24), 1.2e-7);

    // Double: unit roundoff 2⁻⁵³, activations within 3.4e-16.
    private static double DoubleTolerance(LstmProjectionCase c) => c.ForwardTolerance(Math.Pow(2, -53), 3.4e-16);

    // Central differences with step 1e-5 in double, as in LstmGradientTests: truncation ≈ ε²/6·|L'''| and rounding
    // ≈ 1e-16·|L|/ε stay far below 1e-6 absolute plus 1e-6 relative, while any wrong term is O(1e-2) or larger.
    private const double Epsilon = 1e-5;
    private const double AbsoluteTolerance = 1e-6;
    private const double RelativeTolerance = 1e-6;

    private static void Check(Gen<(int Steps, int Batch, int Seed)> cases, Action<(int Steps, int Batch, int Seed)> property, int maxTest) =>
        FsCheck.Check.One(Config.QuickThrowOnFailure.WithMaxTest(maxTest), Prop.ForAll(Arb.From(cases), property));

    private static Gen<(int, int, int)> ForwardCases() =>
        from steps in Gen.Choose(1, 8)
        from batch in Gen.Choose(1, 9)
        from seed in Gen.Choose(0, int.MaxValue)
        select (steps, batch, seed);

    private static Gen<(int, int, int)> GradientCases() =>
        from steps in Gen.Choose(1, 20)
        from batch in Gen.Choose(1, 4)
        from seed in Gen.Choose(0, int.MaxValue)
        select (steps, batch, seed);

    private static LstmProjectionCase Case<T>(IProjectedLstmCell<T> cell, int steps, int batch, int seed)
        where T : unmanaged => new(cell.InputSize, cell.HiddenSize, cell.ProjectionSize, steps, batch, seed);

    // ---------------------------------------------------------------- shape and interface

    [Theory]
    [MemberData(nameof(ProjectedCellCatalog.SingleShapes), MemberType = typeof(ProjectedCellCatalog))]
    public void Sizes_follow_pytorch(string shape)
    {
        var cell = ProjectedCellCatalog.Single(shape);
        int I = cell.InputSize, H = cell.HiddenSize, P = cell.ProjectionSize;
        Assert.InRange(P, 1, H - 1);
        Assert.Equal(P, cell.OutputSize);

        // PyTorch's nn.LSTM(I, H, proj_size=P): weight_ih [4H, I], weight_hh [4H, P], two [4H] biases, weight_hr [P, H].
        Assert.Equal((4 * H * I) + (4 * H * P) + (8 * H) + (P * H), cell.ParameterCount);
    }

    [Fact]
    public void Cells_without_a_projection_report_their_hidden_size_as_output_size()
    {
        IRecurrentCell<float> plain = new Lstm7x13();
        Assert.Equal(13, plain.OutputSize);
        Assert.Equal(5, LstmP7x13p5.OutputSize);
        Assert.Equal(5, LstmP7x13p5.ProjectionSize);
        Assert.Equal(13, LstmP7x13p5.HiddenSize);
    }

    // ---------------------------------------------------------------- forward

    [Theory]
    [MemberData(nameof(ProjectedCellCatalog.SingleShapes), MemberType = typeof(ProjectedCellCatalog))]
    public void Single_precision_step_batch_and_sequence_equal_the_reference(string shape)
    {
        var cell = ProjectedCellCatalog.Single(shape);
        Check(ForwardCases(), c => ForwardMatches(cell, Case(cell, c.Steps, c.Batch, c.Seed)), 12);
    }

    [Theory]
    [MemberData(nameof(ProjectedCellCatalog.DoubleShapes), MemberType = typeof(ProjectedCellCatalog))]
    public void Double_precision_step_batch_and_sequence_equal_the_reference(string shape)
    {
        var cell = ProjectedCellCatalog.Double(shape);
        Check(ForwardCases(), c => ForwardMatches(cell, Case(cell, c.Steps, c.Batch, c.Seed)), 12);
    }

    private static void ForwardMatches(IProjectedLstmCell<float> cell, LstmProjectionCase c)
    {
        c.Load(cell);
        ForwardMatches(cell, c, LstmCase.ToFloat, SingleTolerance(c));
    }

    private static void ForwardMatches(IProjectedLstmCell<double> cell, LstmProjectionCase c)
    {
        c.Load(cell);
        ForwardMatches(cell, c, static v => (double[])v.Clone(), DoubleTolerance(c));
    }

    private static void ForwardMatches<TElement>(IProjectedLstmCell<TElement> cell, LstmProjectionCase c, Func<double[], TElement[]> convert, double tolerance)
        where TElement : unmanaged, System.Numerics.INumberBase<TElement>
    {
        var finalH = (double[])c.Hidden0.Clone();
        var finalC = (double[])c.Cell0.Clone();
        var expected = c.Reference().Forward(c.Steps, c.Batch, c.Inputs, finalH, finalC);
        var x = convert(c.Inputs);
        int I = c.I, H = c.H, P = c.P, T = c.Steps, B = c.Batch;

        // Single-sample steps.
        var h = convert(c.Hidden0);
        var cs = convert(c.Cell0);
        var stepped = new TElement[T * B * P];
        for (var t = 0; t < T; t++)
        {
            for (var s = 0; s < B; s++)
            {
                cell.Step(x.AsSpan(((t * B) + s) * I, I), h.AsSpan(s * P, P), cs.AsSpan(s * H, H));
                h.AsSpan(s * P, P).CopyTo(stepped.AsSpan(((t * B) + s) * P));
            }
        }

        Near(expected, stepped, tolerance, "Step", c);
        Near(finalC, cs, tolerance, "Step cell state", c);

        // Batched steps.
        h = convert(c.Hidden0);
        cs = convert(c.Cell0);
        var batched = new TElement[T * B * P];
        for (var t = 0; t < T; t++)
        {
            cell.StepBatch(x.AsSpan(t * B * I, B * I), h, cs);
            h.CopyTo(batched.AsSpan(t * B * P));
        }

        Near(expected, batched, tolerance, "StepBatch", c);
        Near(finalC, cs, tolerance, "StepBatch cell state", c);

        // Sequence forward, without and with a tape (a roomier tape than needed, as callers reuse one).
        foreach (var tape in new[] { null, cell.CreateTape(T + 1, B + 2) })
        {
            h = convert(c.Hidden0);
            cs = convert(c.Cell0);
            var outputs = new TElement[T * B * P];
            cell.Forward(T, B, x, h, cs, outputs, tape);
            Near(expected, outputs, tolerance, tape is null ? "Forward" : "Forward with tape", c);
            Near(finalH, h, tolerance, "final hidden", c);
            Near(finalC, cs, tolerance, "final cell", c);
        }
    }

    private static void Near<T>(double[] expected, ReadOnlySpan<T> actual, double tolerance, string what, LstmProjectionCase c)
        where T : System.Numerics.INumberBase<T>
    {
        var worst = TestMath.WorstAbsoluteError(expected, actual, out var index);
        Assert.True(worst <= tolerance, $"{what}: |error| {worst:E3} at {index} exceeds {tolerance:E3} ({c})");
    }

    // ---------------------------------------------------------------- backward

    [Theory]
    [MemberData(nameof(ProjectedCellCatalog.DoubleShapes), MemberType = typeof(ProjectedCellCatalog))]
    public void Gradients_equal_central_finite_differences(string shape)
    {
        var cell = ProjectedCellCatalog.Double(shape);
        Check(GradientCases(), c => GradientsMatch(cell, Case(cell, c.Steps, c.Batch, c.Seed), c.Seed), 5);
    }

    [Fact]
    public void Parameter_gradients_accumulate_across_backward_calls()
    {
        IProjectedLstmCell<double> cell = new LstmP7x13p5D();
        var c = Case(cell, 5, 3, 11);
        c.Load(cell);
        var once = new double[cell.ParameterCount];
        RunBackward(cell, c, cell.CreateTape(c.Steps, c.Batch), once, out _, out _, out _);
        var twice = new double[cell.ParameterCount];
        var tape = cell.CreateTape(c.Steps, c.Batch);
        RunBackward(cell, c, tape, twice, out _, out _, out _);
        RunBackward(cell, c, tape, twice, out _, out _, out _);
        for (var i = 0; i < twice.Length; i++)
        {
            Assert.Equal(2 * once[i], twice[i], 12);
        }
    }

    private static void GradientsMatch(IProjectedLstmCell<double> cell, LstmProjectionCase c, int seed)
    {
        c.Load(cell);
        var gradients = new double[cell.ParameterCount];
        RunBackward(cell, c, cell.CreateTape(c.Steps, c.Batch), gradients, out var dx, out var dh0, out var dc0);
        var random = new Random(seed);
        var parameters = cell.Parameters.ToArray();

        // Every parameter kind is sampled by PyTorch index: weight_ih, weight_hh, both biases and weight_hr.
        for (var n = 0; n < 30; n++)
        {
            var row = random.Next(4 * c.H);
            var (index, what) = (n % 5) switch
            {
                0 => (cell.WeightIndex(row, random.Next(c.I)), "weight_ih"),
                1 => (cell.WeightIndex(row, c.I + random.Next(c.P)), "weight_hh"),
                2 => (cell.BiasIhIndex(row), "bias_ih"),
                3 => (cell.BiasHhIndex(row), "bias_hh"),
                _ => (cell.ProjectionWeightIndex(random.Next(c.P), random.Next(c.H)), "weight_hr"),
            };
            var numeric = Numeric(v => { parameters.CopyTo(cell.Parameters); cell.Parameters[index] = v; return Loss(cell, c, c.Inputs, c.Hidden0, c.Cell0); }, parameters[index]);
            Compare(gradients[index], numeric, $"{what} at parameter {index}", c);
        }

        parameters.CopyTo(cell.Parameters);
        foreach (var (name, values, gradient) in new[] { ("x", c.Inputs, dx), ("h0", c.Hidden0, dh0), ("c0", c.Cell0, dc0) })
        {
            for (var n = 0; n < 10; n++)
            {
                var index = random.Next(values.Length);
                var numeric = Numeric(
                    v =>
                    {
                        var copy = (double[])values.Clone();
                        copy[index] = v;
                        return Loss(cell, c, name == "x" ? copy : c.Inputs, name == "h0" ? copy : c.Hidden0, name == "c0" ? copy : c.Cell0);
                    },
                    values[index]);
                Compare(gradient[index], numeric, $"{name}[{index}]", c);
            }
        }
    }

    private static double Numeric(Func<double, double> loss, double at) =>
        (loss(at + Epsilon) - loss(at - Epsilon)) / (2 * Epsilon);

    private static void Compare(double analytic, double numeric, string what, LstmProjectionCase c)
    {
        var tolerance = AbsoluteTolerance + (RelativeTolerance * Math.Abs(numeric));
        Assert.True(Math.Abs(analytic - numeric) <= tolerance, $"d L / d {what}: analytic {analytic:R} vs finite difference {numeric:R} ({c})");
    }

    /// <summary>L = Σ_t ⟨dL/dh_t, h_t⟩ + ⟨g_h, h_T⟩ + ⟨g_c, c_T⟩: its gradient is what Backward computes from those weights.</summary>
    private static double Loss(IProjectedLstmCell<double> cell, LstmProjectionCase c, double[] inputs, double[] h0, double[] c0)
    {
        var h = (double[])h0.Clone();
        var cs = (double[])c0.Clone();
        var outputs = new double[c.Steps * c.Batch * c.P];
        cell.Forward(c.Steps, c.Batch, inputs, h, cs, outputs, tape: null);
        return Dot(outputs, c.OutputGradients) + Dot(h, c.FinalHiddenGradient) + Dot(cs, c.FinalCellGradient);
    }

    private static double Dot(double[] a, double[] b) => a.Zip(b, static (x, y) => x * y).Sum();

    private static void RunBackward(IProjectedLstmCell<double> cell, LstmProjectionCase c, Tape<double> tape, double[] gradients, out double[] dx, out double[] dh0, out double[] dc0)
    {
        var h = (double[])c.Hidden0.Clone();
        var cs = (double[])c.Cell0.Clone();
        var outputs = new double[c.Steps * c.Batch * c.P];
        cell.Forward(c.Steps, c.Batch, c.Inputs, h, cs, outputs, tape);
        dx = new double[c.Inputs.Length];
        dh0 = new double[c.Hidden0.Length];
        dc0 = new double[c.Cell0.Length];
        cell.Backward(tape, c.OutputGradients, c.FinalHiddenGradient, c.FinalCellGradient, dx, dh0, dc0, gradients);
    }

    // ---------------------------------------------------------------- allocation

    [Fact]
    public void Hot_paths_allocate_nothing_after_warm_up()
    {
        AssertNoAllocation(new LstmP33x65p17(), steps: 5, batch: 6);
        AssertNoAllocation(new LstmP17x31p9(), steps: 4, batch: 3);
        AssertNoAllocation(new LstmP17x31p9D(), steps: 4, batch: 5);
        AssertNoAllocation(new LstmP17x31p9Bf16(), steps: 3, batch: 2);
    }

    private static void AssertNoAllocation<T>(IProjectedLstmCell<T> cell, int steps, int batch)
        where T : unmanaged
    {
        int I = cell.InputSize, H = cell.HiddenSize, P = cell.OutputSize;
        cell.InitializeParameters(5);
        var tape = cell.CreateTape(steps, batch);
        var x = new T[steps * batch * I];
        var hidden = new T[batch * P];
        var state = new T[batch * H];
        var outputs = new T[steps * batch * P];
        var dOut = new T[steps * batch * P];
        var dx = new T[steps * batch * I];
        var dh0 = new T[batch * P];
        var dc0 = new T[batch * H];
        var gradients = new T[cell.ParameterCount];

        void RunAll()
        {
            cell.Step(x.AsSpan(0, I), hidden.AsSpan(0, P), state.AsSpan(0, H));
            cell.StepBatch(x.AsSpan(0, batch * I), hidden, state);
            cell.Forward(steps, batch, x, hidden, state, outputs, null);
            cell.Forward(steps, batch, x, hidden, state, outputs, tape);
            cell.Backward(tape, dOut, dh0, dc0, dx, dh0, dc0, gradients);
        }

        Allocations.AssertNoneAfterWarmUp(RunAll);
    }

    // ---------------------------------------------------------------- argument checks

    private const int BI = 7;
    private const int BH = 13;
    private const int BP = 5;

    [Theory]
    [InlineData(BI, BP - 1, BH, "hidden", "expected 5")]
    [InlineData(BI, BH, BH, "hidden", "expected 5")]
    [InlineData(BI, BP, BP, "cell", "expected 13")]
    [InlineData(BI - 1, BP, BH, "input", "expected 7")]
    public void Step_rejects_wrong_lengths_naming_the_expected_length_and_leaves_state_untouched(int inputLength, int hiddenLength, int cellLength, string argument, string expected)
    {
        var cell = new LstmP7x13p5();
        cell.InitializeParameters(1);
        var hidden = Enumerable.Range(0, hiddenLength).Select(static i => i * 0.25f).ToArray();
        var state = Enumerable.Range(0, cellLength).Select(static i => -i * 0.5f).ToArray();
        var hiddenBefore = (float[])hidden.Clone();
        var stateBefore = (float[])state.Clone();

        var error = Assert.ThrowsAny<ArgumentException>(() => cell.Step(new float[inputLength], hidden, state));

        Assert.Equal(argument, error.ParamName);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(hiddenBefore, hidden);
        Assert.Equal(stateBefore, state);
    }

    [Theory]
    [InlineData(3 * BI, (3 * BP) + 1, 3 * BH, "hidden", "OutputSize = 5")]
    [InlineData(3 * BI, 3 * BP, 3 * BP, "cell", "expected 39")]
    [InlineData((3 * BI) + 1, 3 * BP, 3 * BH, "inputs", "expected 21")]
    public void StepBatch_rejects_wrong_lengths(int inputLength, int hiddenLength, int cellLength, string argument, string expected)
    {
        var cell = new LstmP7x13p5();
        var hidden = new float[hiddenLength];
        hidden.AsSpan().Fill(0.5f);
        var error = Assert.ThrowsAny<ArgumentException>(() => cell.StepBatch(new float[inputLength], hidden, new float[cellLength]));
        Assert.Equal(argument, error.ParamName);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.All(hidden, static v => Assert.Equal(0.5f, v));
    }

    [Fact]
    public void Forward_and_backward_reject_wrong_lengths_naming_the_expected_length()
    {
        var cell = new LstmP7x13p5();
        cell.InitializeParameters(3);
        var tape = LstmP7x13p5.CreateTape(4, 2);
        float[] Z(int n) => new float[n];

        void Throws(string argument, string expected, Action call)
        {
            var error = Assert.ThrowsAny<ArgumentException>(call);
            Assert.Equal(argument, error.ParamName);
            Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        }

        Throws("hidden", "expected 10", () => cell.Forward(3, 2, Z(3 * 2 * BI), Z(2 * BH), Z(2 * BH), Z(3 * 2 * BP), tape));
        Throws("cell", "expected 26", () => cell.Forward(3, 2, Z(3 * 2 * BI), Z(2 * BP), Z(2 * BP), Z(3 * 2 * BP), tape));
        Throws("outputs", "expected 30", () => cell.Forward(3, 2, Z(3 * 2 * BI), Z(2 * BP), Z(2 * BH), Z(3 * 2 * BH), tape));

        // A plain LSTM's tape has another layout and is refused.
        Throws("tape", "Lstm:7x13:float", () => cell.Forward(3, 2, Z(3 * 2 * BI), Z(2 * BP), Z(2 * BH), Z(3 * 2 * BP), Lstm7x13.CreateTape(4, 2)));

        cell.Forward(3, 2, Z(3 * 2 * BI), Z(2 * BP), Z(2 * BH), Z(3 * 2 * BP), tape);
        var gradients = Z(LstmP7x13p5.ParameterCount);
        Throws("outputGradients", "expected 30", () => cell.Backward(tape, Z(3 * 2 * BH), Z(2 * BP), Z(2 * BH), Z(3 * 2 * BI), Z(2 * BP), Z(2 * BH), gradients));
        Throws("finalHiddenGradient", "expected 10", () => cell.Backward(tape, Z(3 * 2 * BP), Z(2 * BH), Z(2 * BH), Z(3 * 2 * BI), Z(2 * BP), Z(2 * BH), gradients));
        Throws("finalCellGradient", "expected 26", () => cell.Backward(tape, Z(3 * 2 * BP), Z(2 * BP), Z(2 * BP), Z(3 * 2 * BI), Z(2 * BP), Z(2 * BH), gradients));
        Throws("initialHiddenGradient", "expected 10", () => cell.Backward(tape, Z(3 * 2 * BP), Z(2 * BP), Z(2 * BH), Z(3 * 2 * BI), Z(2 * BH), Z(2 * BH), gradients));
        Throws("initialCellGradient", "expected 26", () => cell.Backward(tape, Z(3 * 2 * BP), Z(2 * BP), Z(2 * BH), Z(3 * 2 * BI), Z(2 * BP), Z(2 * BP), gradients));
        Assert.All(gradients, static g => Assert.Equal(0f, g));
    }

    [Fact]
    public void Import_and_export_check_every_tensor_and_the_four_tensor_interface_members_point_to_the_projected_overload()
    {
        var cell = new LstmP7x13p5();
        var wih = new float[4 * BH * BI];
        var whh = new float[4 * BH * BP];
        var b = new float[4 * BH];
        var whr = new float[BP * BH];

        var hh = Assert.Throws<ArgumentException>(() => cell.ImportPyTorch(wih, new float[4 * BH * BH], b, b, whr));
        Assert.Equal("weightHh", hh.ParamName);
        Assert.Contains("expected 260", hh.Message, StringComparison.Ordinal);
        var hr = Assert.Throws<ArgumentException>(() => cell.ExportPyTorch(wih, whh, b, b, new float[BH * BH]));
        Assert.Equal("weightHr", hr.ParamName);
        Assert.Contains("expected 65", hr.Message, StringComparison.Ordinal);

        IRecurrentCell<float> general = cell;
        var import = Assert.Throws<InvalidOperationException>(() => general.ImportPyTorch(wih, whh, b, b));
        Assert.Contains("weightHr", import.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => general.ExportPyTorch(wih, whh, b, b));

        Assert.Equal("row", Assert.Throws<ArgumentOutOfRangeException>(() => LstmP7x13p5.ProjectionWeightIndex(BP, 0)).ParamName);
        Assert.Equal("column", Assert.Throws<ArgumentOutOfRangeException>(() => LstmP7x13p5.ProjectionWeightIndex(0, BH)).ParamName);
        Assert.Equal("column", Assert.Throws<ArgumentOutOfRangeException>(() => LstmP7x13p5.WeightIndex(0, BI + BP)).ParamName);
    }

    // ---------------------------------------------------------------- layout

    [Theory]
    [MemberData(nameof(ProjectedCellCatalog.SingleShapes), MemberType = typeof(ProjectedCellCatalog))]
    public void Export_then_import_is_bit_identical_and_indices_cover_the_layout_once(string shape)
    {
        var cell = ProjectedCellCatalog.Single(shape);
        var c = Case(cell, 1, 1, shape.Length * 7919);
        c.Load(cell);
        int I = c.I, H = c.H, P = c.P;
        var wih = new float[4 * H * I];
        var whh = new float[4 * H * P];
        var bih = new float[4 * H];
        var bhh = new float[4 * H];
        var whr = new float[P * H];
        cell.ExportPyTorch(wih, whh, bih, bhh, whr);
        Assert.Equal(LstmCase.ToFloat(c.WeightIh), wih);
        Assert.Equal(LstmCase.ToFloat(c.WeightHh), whh);
        Assert.Equal(LstmCase.ToFloat(c.BiasIh), bih);
        Assert.Equal(LstmCase.ToFloat(c.BiasHh), bhh);
        Assert.Equal(LstmCase.ToFloat(c.WeightHr), whr);

        var seen = new bool[cell.ParameterCount];
        void Mark(int index, float expected)
        {
            Assert.Equal(expected, cell.Parameters[index]);
            Assert.False(seen[index]);
            seen[index] = true;
        }

        for (var row = 0; row < 4 * H; row++)
        {
            for (var k = 0; k < I + P; k++)
            {
                Mark(cell.WeightIndex(row, k), k < I ? wih[(row * I) + k] : whh[(row * P) + k - I]);
            }

            Mark(cell.BiasIhIndex(row), bih[row]);
            Mark(cell.BiasHhIndex(row), bhh[row]);
        }

        for (var p = 0; p < P; p++)
        {
            for (var j = 0; j < H; j++)
            {
                Mark(cell.ProjectionWeightIndex(p, j), whr[(p * H) + j]);
            }
        }

        Assert.All(seen, Assert.True);
        var reimported = ProjectedCellCatalog.Single(shape);
        reimported.ImportPyTorch(wih, whh, bih, bhh, whr);
        Assert.True(cell.Parameters.SequenceEqual(reimported.Parameters));
    }

    [Fact]
    public void Initialization_is_seeded_and_within_pytorch_bounds_including_weight_hr()
    {
        var a = new LstmP33x65p17();
        var b = new LstmP33x65p17();
        a.InitializeParameters(42);
        b.InitializeParameters(42);
        Assert.True(a.Parameters.SequenceEqual(b.Parameters));
        b.InitializeParameters(43);
        Assert.False(a.Parameters.SequenceEqual(b.Parameters));

        // PyTorch draws every tensor, weight_hr included, from U(−1/√H, 1/√H).
        var bound = 1 / Math.Sqrt(65);
        Assert.All(a.Parameters.ToArray(), v => Assert.InRange(v, -bound, bound));
        var whr = new float[17 * 65];
        a.ExportPyTorch(new float[4 * 65 * 33], new float[4 * 65 * 17], new float[4 * 65], new float[4 * 65], whr);
        Assert.True(whr.Max() > bound / 2 && whr.Min() < -bound / 2, "weight_hr was not filled");
    }

    // ---------------------------------------------------------------- bfloat16 inference weights

    [Fact]
    public void Bfloat16_inference_paths_equal_the_reference_on_rounded_gate_weights_and_float_projection()
    {
        var cell = new LstmP17x31p9Bf16();
        Check(ForwardCases(), c =>
        {
            var problem = Case(cell, c.Steps, c.Batch, c.Seed);
            problem.Load(cell);
            int I = problem.I, H = problem.H, P = problem.P, T = problem.Steps, B = problem.Batch;
            var wih = new double[4 * H * I];
            var whh = new double[4 * H * P];
            for (var row = 0; row < 4 * H; row++)
            {
                for (var k = 0; k < I + P; k++)
                {
                    var weight = cell.InferenceWeight(row, k);
                    if (k < I)
                    {
                        wih[(row * I) + k] = weight;
                    }
                    else
                    {
                        whh[(row * P) + k - I] = weight;
                    }
                }
            }

            var rounded = new LstmProjectionReference(I, H, P, wih, whh, problem.BiasIh, problem.BiasHh, problem.WeightHr);
            var expected = rounded.Forward(T, B, problem.Inputs, (double[])problem.Hidden0.Clone(), (double[])problem.Cell0.Clone());
            var x = LstmCase.ToFloat(problem.Inputs);
            var h = LstmCase.ToFloat(problem.Hidden0);
            var cs = LstmCase.ToFloat(problem.Cell0);
            var outputs = new float[T * B * P];
            cell.Forward(T, B, x, h, cs, outputs, null);
            Near(expected, outputs, SingleTolerance(problem), "bfloat16 Forward", problem);
        }, 8);
    }
}

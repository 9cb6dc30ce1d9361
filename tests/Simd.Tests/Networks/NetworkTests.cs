using System;
using System.Collections.Generic;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using Simd.Tests.Support;
using Xunit;

namespace Simd.Tests;

/// <summary>
/// Layered networks (Layers &gt; 1, Bidirectional) of every cell kind against a reference composed of the scalar
/// reference cells the way PyTorch documents <c>nn.LSTM</c>, <c>nn.GRU</c> and <c>nn.RNN</c>, and their backward pass
/// against central finite differences.
/// </summary>
public sealed class NetworkTests
{
    private const double Epsilon = 1e-5;

    // As in LstmGradientTests: central differences in double have truncation and rounding errors far below 1e-6.
    private const double AbsoluteTolerance = 1e-6;
    private const double RelativeTolerance = 1e-6;

    private static readonly Dictionary<string, Func<NetworkUnderTest<float>>> Singles = new()
    {
        ["LSTM 3x5 L2"] = static () => new(NetworkKind.Lstm, new LstmNet3x5L2()),
        ["LSTM 7x13 Bi"] = static () => new(NetworkKind.Lstm, new LstmNet7x13Bi()),
        ["LSTM 5x11 L2 Bi"] = static () => new(NetworkKind.Lstm, new LstmNet5x11L2Bi()),
        ["LSTM 17x31 L3 Bi"] = static () => new(NetworkKind.Lstm, new LstmNet17x31L3Bi()),
        ["LSTM 2x18 L3"] = static () => new(NetworkKind.Lstm, new LstmNet2x18L3()),
        ["GRU 3x5 L2"] = static () => new(NetworkKind.GruResetAfter, new GruNet3x5L2()),
        ["GRU 7x13 Bi"] = static () => new(NetworkKind.GruResetAfter, new GruNet7x13Bi()),
        ["GRU 5x11 L2 Bi reset-before"] = static () => new(NetworkKind.GruResetBefore, new GruNet5x11L2BiBefore()),
        ["RNN 3x5 L2"] = static () => new(NetworkKind.RnnTanh, new RnnNet3x5L2()),
        ["RNN 7x13 Bi relu"] = static () => new(NetworkKind.RnnRelu, new RnnNet7x13BiRelu()),
        ["RNN 5x11 L2 Bi"] = static () => new(NetworkKind.RnnTanh, new RnnNet5x11L2Bi()),
        ["LSTM 7x13 P5 L2 Bi"] = static () => new(NetworkKind.Lstm, new LstmNet7x13P5L2Bi()),
    };

    private static readonly Dictionary<string, Func<NetworkUnderTest<double>>> Doubles = new()
    {
        ["LSTM 3x5 L2 Bi"] = static () => new(NetworkKind.Lstm, new LstmNet3x5L2BiD()),
        ["LSTM 4x7 L2"] = static () => new(NetworkKind.Lstm, new LstmNet4x7L2D()),
        ["LSTM 2x3 Bi"] = static () => new(NetworkKind.Lstm, new LstmNet2x3BiD()),
        ["LSTM 5x6 L3 Bi"] = static () => new(NetworkKind.Lstm, new LstmNet5x6L3BiD()),
        ["GRU 3x5 L2 Bi"] = static () => new(NetworkKind.GruResetAfter, new GruNet3x5L2BiD()),
        ["GRU 2x3 Bi reset-before"] = static () => new(NetworkKind.GruResetBefore, new GruNet2x3BiBeforeD()),
        ["GRU 4x7 L2 reset-before"] = static () => new(NetworkKind.GruResetBefore, new GruNet4x7L2BeforeD()),
        ["RNN 3x5 L2 Bi"] = static () => new(NetworkKind.RnnTanh, new RnnNet3x5L2BiD()),
        ["RNN 4x7 L2"] = static () => new(NetworkKind.RnnTanh, new RnnNet4x7L2D()),
        ["LSTM 3x6 P2 L2 Bi"] = static () => new(NetworkKind.Lstm, new LstmNet3x6P2L2BiD()),
    };

    public static TheoryData<string> SingleNetworks => new(Singles.Keys);

    public static TheoryData<string> DoubleNetworks => new(Doubles.Keys);

    private static Arbitrary<(int Steps, int Batch, int Seed)> Cases() =>
        Arb.From(
            from steps in Gen.Choose(1, 7)
            from batch in Gen.Choose(1, 5)
            from seed in Gen.Choose(0, int.MaxValue)
            select (steps, batch, seed));

    /// <summary>
    /// Forward tolerance. One layer's own rounding is bounded as for a single cell (LstmCase.ForwardTolerance: sums of
    /// K terms with random-walk rounding, activation error, cell-state growth); an error already in a layer's input
    /// grows by at most the largest row sum of |W_ih| in its pre-activations, and sigmoid and tanh are 1-Lipschitz, so
    /// layer l carries at most Σ_{k≤l} G^k single-layer errors.
    /// </summary>
    private static double Tolerance(NetworkCase c, double unitRoundoff, double activationError)
    {
        var single = 0.0;
        for (var l = 0; l < c.Layers; l++)
        {
            var layerInputBound = l == 0 ? c.Inputs.Max(Math.Abs) : 1;
            var magnitude = ((c.LayerInput(l) * layerInputBound) + c.H + 2) * MaxAbsWeight(c, l);
            var cellBound = c.Cell0.Max(Math.Abs) + c.Steps;
            single = Math.Max(single, 4 * ((unitRoundoff * Math.Sqrt(c.LayerInput(l) + c.H + 2) * magnitude) + activationError + (unitRoundoff * c.Steps * cellBound)));
        }

        var gain = c.InnerInputGain();
        var total = 0.0;
        for (var k = 0; k < c.Layers; k++)
        {
            total += Math.Pow(gain, k);
        }

        return single * total;
    }

    private static double MaxAbsWeight(NetworkCase c, int layer) =>
        c.Tensors.Where(t => t.Key.Contains($"_l{layer}", StringComparison.Ordinal)).Max(t => t.Value.Max(Math.Abs));

    [Theory]
    [MemberData(nameof(SingleNetworks))]
    public void Single_precision_forward_equals_the_reference(string name)
    {
        var network = Singles[name]();
        Check(c => ForwardMatches(network, new NetworkCase(network.Kind, network.Network, c.Steps, c.Batch, c.Seed)), 8);
    }

    [Theory]
    [MemberData(nameof(DoubleNetworks))]
    public void Double_precision_forward_equals_the_reference(string name)
    {
        var network = Doubles[name]();
        Check(c => ForwardMatches(network, new NetworkCase(network.Kind, network.Network, c.Steps, c.Batch, c.Seed)), 8);
    }

    [Theory]
    [MemberData(nameof(DoubleNetworks))]
    public void Gradients_equal_central_finite_differences(string name)
    {
        var network = Doubles[name]();
        Check(c => GradientsMatch(network, new NetworkCase(network.Kind, network.Network, c.Steps, c.Batch, c.Seed), c.Seed), 4);
    }

    [Fact]
    public void Unidirectional_steps_equal_the_sequence_forward()
    {
        var network = new LstmNet2x18L3();
        var c = new NetworkCase(NetworkKind.Lstm, network, 4, 3, 17);
        c.Load(network);
        var expected = c.Reference(c.Inputs, c.Hidden0, c.Cell0, out var finalH, out var finalC);
        var tolerance = Tolerance(c, Math.Pow(2, -24), 1.2e-7);
        int I = c.I, H = c.H, L = c.Layers, T = c.Steps, B = c.Batch;
        var x = LstmCase.ToFloat(c.Inputs);

        // Step one sample at a time: its state is [L, H], gathered from PyTorch's [L, B, H].
        var stepped = new float[T * B * H];
        var steppedH = new float[L * B * H];
        var steppedC = new float[L * B * H];
        for (var s = 0; s < B; s++)
        {
            var h = new float[L * H];
            var cs = new float[L * H];
            for (var l = 0; l < L; l++)
            {
                LstmCase.ToFloat(c.Hidden0).AsSpan(((l * B) + s) * H, H).CopyTo(h.AsSpan(l * H));
                LstmCase.ToFloat(c.Cell0).AsSpan(((l * B) + s) * H, H).CopyTo(cs.AsSpan(l * H));
            }

            for (var t = 0; t < T; t++)
            {
                network.Step(x.AsSpan(((t * B) + s) * I, I), h, cs);
                h.AsSpan((L - 1) * H, H).CopyTo(stepped.AsSpan(((t * B) + s) * H));
            }

            for (var l = 0; l < L; l++)
            {
                h.AsSpan(l * H, H).CopyTo(steppedH.AsSpan(((l * B) + s) * H));
                cs.AsSpan(l * H, H).CopyTo(steppedC.AsSpan(((l * B) + s) * H));
            }
        }

        Near(expected, stepped, tolerance, "Step outputs", c);
        Near(finalH, steppedH, tolerance, "Step h", c);
        Near(finalC, steppedC, tolerance, "Step c", c);

        var hb = LstmCase.ToFloat(c.Hidden0);
        var cb = LstmCase.ToFloat(c.Cell0);
        var batched = new float[T * B * H];
        for (var t = 0; t < T; t++)
        {
            network.StepBatch(x.AsSpan(t * B * I, B * I), hb, cb);
            hb.AsSpan((L - 1) * B * H, B * H).CopyTo(batched.AsSpan(t * B * H));
        }

        Near(expected, batched, tolerance, "StepBatch outputs", c);
        Near(finalC, cb, tolerance, "StepBatch c", c);
    }

    [Fact]
    public void Tensors_round_trip_and_cover_every_parameter()
    {
        ILstmNetwork<float> network = new LstmNet5x11L2Bi();
        var c = new NetworkCase(NetworkKind.Lstm, network, 1, 1, 3);
        c.Load(network);
        var total = 0;
        foreach (var name in network.PyTorchParameterNames)
        {
            var back = new float[network.PyTorchParameterLength(name)];
            network.ExportPyTorch(name, back);
            Assert.Equal(LstmCase.ToFloat(c.Tensors[name]), back);
            total += back.Length;
        }

        Assert.Equal(c.Tensors.Keys.OrderBy(static k => k), network.PyTorchParameterNames.OrderBy(static k => k));
        Assert.Equal(network.ParameterCount, total);
        var parameters = network.Parameters.ToArray();
        Assert.DoesNotContain(0f, parameters);
    }

    [Fact]
    public void Bad_names_and_lengths_throw_and_change_nothing()
    {
        var network = new LstmNet7x13Bi();
        network.InitializeParameters(9);
        var before = network.Parameters.ToArray();
        var unknown = Assert.Throws<ArgumentException>(() => network.ImportPyTorch("weight_ih_l1", new float[4 * 13 * 7]));
        Assert.Contains("weight_ih_l0_reverse", unknown.Message, StringComparison.Ordinal);
        var length = Assert.Throws<ArgumentException>(() => network.ImportPyTorch("weight_hh_l0_reverse", new float[10]));
        Assert.Equal("tensor", length.ParamName);
        Assert.Contains((4 * 13 * 13).ToString(System.Globalization.CultureInfo.InvariantCulture), length.Message, StringComparison.Ordinal);
        Assert.Equal(before, network.Parameters.ToArray());

        var tape = LstmNet7x13Bi.CreateTape(3, 2);
        var outputs = new float[3 * 2 * 26];
        var hidden = new float[2 * 2 * 13];
        var wrongHidden = Assert.Throws<ArgumentException>(() => network.Forward(3, 2, new float[3 * 2 * 7], new float[hidden.Length - 1], new float[hidden.Length], outputs, tape));
        Assert.Equal("hidden", wrongHidden.ParamName);
        Assert.All(outputs, static v => Assert.Equal(0f, v));
        Assert.Throws<ArgumentNullException>(() => network.Forward(3, 2, new float[3 * 2 * 7], hidden, new float[hidden.Length], outputs, null!));
        var otherTape = LstmNet5x11L2Bi.CreateTape(3, 2);
        Assert.Equal("tape", Assert.Throws<ArgumentException>(() => network.Forward(3, 2, new float[3 * 2 * 7], hidden, new float[hidden.Length], outputs, otherTape)).ParamName);
    }

    [Fact]
    public void Networks_allocate_nothing_after_warm_up()
    {
        var network = new LstmNet5x11L2Bi();
        network.InitializeParameters(4);
        const int T = 5, B = 3, LD = 4, H = 11;
        var tape = LstmNet5x11L2Bi.CreateTape(T, B);
        var x = new float[T * B * 5];
        var h = new float[LD * B * H];
        var cs = new float[LD * B * H];
        var outputs = new float[T * B * 2 * H];
        var dx = new float[x.Length];
        var dh = new float[h.Length];
        var dc = new float[cs.Length];
        var grads = new float[LstmNet5x11L2Bi.ParameterCount];
        var unidirectional = new LstmNet2x18L3();
        var uh = new float[3 * 18];
        var uc = new float[3 * 18];
        var gru = new GruNet5x11L2BiBefore();
        gru.InitializeParameters(6);
        var gruTape = GruNet5x11L2BiBefore.CreateTape(T, B);
        var gruGrads = new float[GruNet5x11L2BiBefore.ParameterCount];

        void RunAll()
        {
            network.Forward(T, B, x, h, cs, outputs, tape);
            network.Backward(tape, outputs, h, cs, dx, dh, dc, grads);
            unidirectional.Step(x.AsSpan(0, 2), uh, uc);
            gru.Forward(T, B, x, h, outputs, gruTape);
            gru.Backward(gruTape, outputs, h, dx, dh, gruGrads);
        }

        Allocations.AssertNoneAfterWarmUp(RunAll);
    }

    private static void Check(Action<(int Steps, int Batch, int Seed)> property, int maxTest) =>
        FsCheck.Check.One(Config.QuickThrowOnFailure.WithMaxTest(maxTest), Prop.ForAll(Cases(), property));

    private static void ForwardMatches(NetworkUnderTest<float> network, NetworkCase c)
    {
        c.Load(network.Network);
        var expected = c.Reference(c.Inputs, c.Hidden0, c.Cell0, out var finalH, out var finalC);
        var tolerance = Tolerance(c, Math.Pow(2, -24), 1.2e-7);
        var h = LstmCase.ToFloat(c.Hidden0);
        var cs = LstmCase.ToFloat(c.Cell0);
        var outputs = new float[expected.Length];
        network.Forward(c.Steps, c.Batch, LstmCase.ToFloat(c.Inputs), h, cs, outputs, network.Network.CreateTape(c.Steps + 1, c.Batch + 1));
        Near(expected, outputs, tolerance, "outputs", c);
        Near(finalH, h, tolerance, "h_T", c);
        if (c.HasCellState)
        {
            Near(finalC, cs, tolerance, "c_T", c);
        }
    }

    private static void ForwardMatches(NetworkUnderTest<double> network, NetworkCase c)
    {
        c.Load(network.Network);
        var expected = c.Reference(c.Inputs, c.Hidden0, c.Cell0, out var finalH, out var finalC);
        var tolerance = Tolerance(c, Math.Pow(2, -53), 3.4e-16);
        var h = (double[])c.Hidden0.Clone();
        var cs = (double[])c.Cell0.Clone();
        var outputs = new double[expected.Length];
        network.Forward(c.Steps, c.Batch, c.Inputs, h, cs, outputs, network.Network.CreateTape(c.Steps, c.Batch));
        Near(expected, outputs, tolerance, "outputs", c);
        Near(finalH, h, tolerance, "h_T", c);
        if (c.HasCellState)
        {
            Near(finalC, cs, tolerance, "c_T", c);
        }
    }

    private static void GradientsMatch(NetworkUnderTest<double> network, NetworkCase c, int seed)
    {
        c.Load(network.Network);
        var tape = network.Network.CreateTape(c.Steps, c.Batch);
        var gradients = new double[network.Network.ParameterCount];
        var dx = new double[c.Inputs.Length];
        var dh0 = new double[c.Hidden0.Length];
        var dc0 = new double[c.Cell0.Length];
        Loss(network, c, tape, c.Inputs, c.Hidden0, c.Cell0);
        network.Backward(tape, c.OutputGradients, c.FinalHiddenGradient, c.FinalCellGradient, dx, dh0, dc0, gradients);

        var random = new Random(seed);
        var parameters = network.Network.Parameters.ToArray();
        foreach (var index in SampledParameters(network.Network, random))
        {
            var numeric = Numeric(
                v =>
                {
                    parameters.CopyTo(network.Network.Parameters);
                    network.Network.Parameters[index] = v;
                    return Loss(network, c, tape, c.Inputs, c.Hidden0, c.Cell0);
                },
                parameters[index]);
            Compare(gradients[index], numeric, $"parameter {index}", c);
        }

        parameters.CopyTo(network.Network.Parameters);
        var probes = new[] { ("x", c.Inputs, dx), ("h0", c.Hidden0, dh0), ("c0", c.Cell0, dc0) };
        foreach (var (name, values, gradient) in probes.Take(c.HasCellState ? 3 : 2))
        {
            for (var n = 0; n < 10; n++)
            {
                var index = random.Next(values.Length);
                var numeric = Numeric(
                    v =>
                    {
                        var copy = (double[])values.Clone();
                        copy[index] = v;
                        return Loss(network, c, tape, name == "x" ? copy : c.Inputs, name == "h0" ? copy : c.Hidden0, name == "c0" ? copy : c.Cell0);
                    },
                    values[index]);
                Compare(gradient[index], numeric, $"{name}[{index}]", c);
            }
        }
    }

    /// <summary>
    /// Parameter indices to check, drawn from every layer and direction: Parameters holds one contiguous block per layer
    /// and direction (documented), each as long as that cell's PyTorch tensors together. Six random indices per block,
    /// plus the block's last four (the biases, or the projection weights that follow them), so every layer's every
    /// parameter kind is reached.
    /// </summary>
    private static System.Collections.Generic.IEnumerable<int> SampledParameters(IRecurrentNetwork<double> network, Random random)
    {
        var perCell = network.PyTorchParameterNames.Count / (network.Layers * network.Directions);
        var start = 0;
        for (var cell = 0; cell < network.Layers * network.Directions; cell++)
        {
            var length = network.PyTorchParameterNames.Skip(cell * perCell).Take(perCell).Sum(network.PyTorchParameterLength);
            for (var n = 0; n < 6; n++)
            {
                yield return start + random.Next(length);
            }

            for (var n = 1; n <= 4; n++)
            {
                yield return start + length - n;
            }

            start += length;
        }

        Assert.Equal(network.ParameterCount, start);
    }

    private static double Loss(NetworkUnderTest<double> network, NetworkCase c, Tape<double> tape, double[] inputs, double[] h0, double[] c0)
    {
        var h = (double[])h0.Clone();
        var cs = (double[])c0.Clone();
        var outputs = new double[c.Steps * c.Batch * c.OutputSize];
        network.Forward(c.Steps, c.Batch, inputs, h, cs, outputs, tape);
        return Dot(outputs, c.OutputGradients) + Dot(h, c.FinalHiddenGradient) + (c.HasCellState ? Dot(cs, c.FinalCellGradient) : 0);
    }

    private static double Dot(double[] a, double[] b) => a.Zip(b, static (x, y) => x * y).Sum();

    private static double Numeric(Func<double, double> loss, double at) =>
        (loss(at + Epsilon) - loss(at - Epsilon)) / (2 * Epsilon);

    private static void Compare(double analytic, double numeric, string what, NetworkCase c)
    {
        var tolerance = AbsoluteTolerance + (RelativeTolerance * Math.Abs(numeric));
        Assert.True(Math.Abs(analytic - numeric) <= tolerance, $"d L / d {what}: analytic {analytic:R} vs finite difference {numeric:R} ({c})");
    }

    private static void Near<T>(double[] expected, ReadOnlySpan<T> actual, double tolerance, string what, NetworkCase c)
        where T : System.Numerics.INumberBase<T>
    {
        var worst = TestMath.WorstAbsoluteError(expected, actual, out var index);
        Assert.True(worst <= tolerance, $"{what}: |error| {worst:E3} at {index} exceeds {tolerance:E3} ({c})");
    }
}

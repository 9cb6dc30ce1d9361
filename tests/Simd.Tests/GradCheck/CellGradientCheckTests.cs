using System;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Simd.GradCheck;
using Xunit;
using static Simd.GradCheck.GradCheckGen;

namespace Simd.Tests.GradCheck;

/// <summary>A model from a small catalog (index taken modulo its length), a sequence length, a batch and a seed.</summary>
public sealed record ModelCase(int Model, int Steps, int Batch, int Seed)
{
    public override string ToString() => $"model {Model}, T {Steps}, B {Batch}, seed {Seed}";
}

public static class ModelCaseArbitraries
{
    public static Arbitrary<ModelCase> Cases() =>
        Arb.From(
            from model in Gen.Choose(0, 1000)
            from steps in Gen.Choose(1, 6)
            from batch in Gen.Choose(1, 3)
            from seed in Gen.Choose(0, int.MaxValue)
            select new ModelCase(model, steps, batch, seed));
}

/// <summary>
/// The ready-made checks of <see cref="CellGradientCheck"/> on every kind of model: correct backward passes pass, a
/// planted error is reported under the right PyTorch name and index, and nothing the caller owns is changed.
/// </summary>
public sealed class CellGradientCheckTests
{
    // A sample of 6 elements per tensor keeps every model's check to a few hundred forward passes.
    private static GradientCheckOptions Sampled(int seed) => new() { ElementsPerSegment = 6, Seed = seed };

    private static readonly Func<ILstmCell<double>>[] LstmCells =
    [
        static () => new Lstm1x1D(), static () => new Lstm3x5D(), static () => new Lstm7x13D(), static () => new Lstm17x31D(),
        static () => new Lstm5x11D(), static () => new LstmP3x5p2D(), static () => new LstmP7x13p5D(),
    ];

    private static readonly Func<IHiddenStateCell<double>>[] HiddenStateCells =
    [
        static () => new Gru3x5D(), static () => new GruRb7x13D(), static () => new Rnn1x1D(), static () => new Rnn9x42D(),
    ];

    private static readonly Func<IRecurrentNetwork<double>>[] Networks =
    [
        static () => new LstmNet3x5L2BiD(), static () => new LstmNet3x6P2L2BiD(), static () => new GruNet3x5L2BiD(), static () => new RnnNet4x7L2D(),
    ];

    [Property(Arbitrary = new[] { typeof(ModelCaseArbitraries) }, MaxTest = 14)]
    public void Lstm_cells_pass(ModelCase c)
    {
        var cell = LstmCells[c.Model % LstmCells.Length]();
        cell.InitializeParameters((ulong)c.Seed);
        var result = CellGradientCheck.CheckCell(
            cell, c.Steps, c.Batch, Uniform(c.Seed, c.Steps * c.Batch * cell.InputSize, 1.5), Uniform(c.Seed + 1, c.Batch * cell.OutputSize, 1), Uniform(c.Seed + 2, c.Batch * cell.HiddenSize, 2), Sampled(c.Seed));
        result.AssertPasses($"{cell.GetType().Name}, {c}");
        Assert.Equal(cell is IProjectedLstmCell<double> ? 8 : 7, result.Segments);
    }

    [Property(Arbitrary = new[] { typeof(ModelCaseArbitraries) }, MaxTest = 8)]
    public void Gru_and_rnn_cells_pass(ModelCase c)
    {
        var cell = HiddenStateCells[c.Model % HiddenStateCells.Length]();
        cell.InitializeParameters((ulong)c.Seed);
        CellGradientCheck.CheckCell(cell, c.Steps, c.Batch, Uniform(c.Seed, c.Steps * c.Batch * cell.InputSize, 1.5), Uniform(c.Seed + 1, c.Batch * cell.HiddenSize, 1), Sampled(c.Seed))
            .AssertPasses($"{cell.GetType().Name}, {c}");
    }

    [Property(Arbitrary = new[] { typeof(ModelCaseArbitraries) }, MaxTest = 8)]
    public void Layered_networks_pass(ModelCase c)
    {
        var network = Networks[c.Model % Networks.Length]();
        network.InitializeParameters((ulong)c.Seed);
        var states = network.Layers * network.Directions * c.Batch;
        var inputs = Uniform(c.Seed, c.Steps * c.Batch * network.InputSize, 1.5);
        var hidden = Uniform(c.Seed + 1, states * network.StateSize, 1);
        var result = network switch
        {
            ILstmNetwork<double> lstm => CellGradientCheck.CheckNetwork(lstm, c.Steps, c.Batch, inputs, hidden, Uniform(c.Seed + 2, states * network.HiddenSize, 2), Sampled(c.Seed)),
            IHiddenStateNetwork<double> other => CellGradientCheck.CheckNetwork(other, c.Steps, c.Batch, inputs, hidden, Sampled(c.Seed)),
            _ => throw new InvalidOperationException(network.GetType().Name),
        };
        result.AssertPasses($"{network.GetType().Name}, {c}");
        Assert.Equal(network.PyTorchParameterNames.Count + (network is ILstmNetwork<double> ? 3 : 2), result.Segments);
    }

    [Property(Arbitrary = new[] { typeof(ModelCaseArbitraries) }, MaxTest = 12)]
    public void Single_head_attention_passes(ModelCase c)
    {
        var entry = AttentionCatalog.SingleHeadDouble[c.Model % AttentionCatalog.SingleHeadDouble.Length];
        var cell = entry.Create();
        cell.InitializeParameters((ulong)c.Seed);
        int keys = c.Steps + 2, steps = 1 + (c.Seed % 3);
        int[] lengths = c.Seed % 2 == 0 ? [] : Enumerable.Range(0, c.Batch).Select(b => (b + c.Seed) % (keys + 1)).ToArray();
        CellGradientCheck.CheckAttention(
                cell, steps, keys, c.Batch, Uniform(c.Seed, steps * c.Batch * cell.QuerySize, 1), Uniform(c.Seed + 1, c.Batch * keys * cell.KeySize, 1), Uniform(c.Seed + 2, c.Batch * keys * cell.ValueSize, 1), lengths, Sampled(c.Seed))
            .AssertPasses($"{entry}, {c}, lengths [{string.Join(",", lengths)}]");
    }

    [Property(Arbitrary = new[] { typeof(ModelCaseArbitraries) }, MaxTest = 12)]
    public void Multi_head_attention_passes(ModelCase c)
    {
        var entry = AttentionCatalog.MultiHeadDouble[c.Model % AttentionCatalog.MultiHeadDouble.Length];
        var cell = entry.Create();
        cell.InitializeParameters((ulong)c.Seed);
        var causal = c.Seed % 2 == 0;
        int keys = c.Steps + 1, queries = causal ? keys : c.Steps, E = cell.ModelSize;
        int[] lengths = c.Seed % 3 == 0 ? [] : Enumerable.Range(0, c.Batch).Select(b => (b + c.Seed) % (keys + 1)).ToArray();
        CellGradientCheck.CheckAttention(
                cell, queries, keys, c.Batch, Uniform(c.Seed, c.Batch * queries * E, 1), Uniform(c.Seed + 1, c.Batch * keys * E, 1), Uniform(c.Seed + 2, c.Batch * keys * E, 1), lengths, causal, Sampled(c.Seed))
            .AssertPasses($"{entry}, {c}, causal {causal}, lengths [{string.Join(",", lengths)}]");
    }

    [Theory]
    [InlineData(0, 0, 1e-3)]
    [InlineData(31, 12, 1e-4)]
    [InlineData(51, 5, -1e-3)]
    public void A_wrong_weight_hh_gradient_is_reported_by_pytorch_index(int row, int column, double slip)
    {
        var inner = new Lstm7x13D();
        inner.InitializeParameters(5);
        var cell = new LstmWithWrongGradient(inner) { ParameterSlipAt = Lstm7x13D.WeightIndex(row, Lstm7x13D.InputSize + column), Slip = slip };
        var result = CheckLstm(cell, steps: 3, batch: 2, seed: 5);

        Assert.Equal(1, result.FailedElements);
        Assert.Equal("weight_hh_l0", result.Worst!.Segment);
        Assert.Equal(new[] { row, column }, result.Worst.Position);
        Assert.Equal((row * 13) + column, result.Worst.Index);
        Assert.Equal(result.Worst.Numeric + slip, result.Worst.Analytic, 1e-6);
        var message = Assert.Throws<GradientCheckException>(() => result.AssertPasses()).Message;
        Assert.Contains($"weight_hh_l0[{row}, {column}]", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_input_gradient_is_reported_by_step_sample_and_feature()
    {
        var inner = new Lstm7x13D();
        inner.InitializeParameters(6);

        // inputs is [T, B, I] = [3, 2, 7]: flat index 30 is step 2, sample 0, feature 2.
        var cell = new LstmWithWrongGradient(inner) { InputSlipAt = 30, Slip = 1e-3 };
        var result = CheckLstm(cell, steps: 3, batch: 2, seed: 6);
        Assert.Equal(1, result.FailedElements);
        Assert.Equal("inputs", result.Worst!.Segment);
        Assert.Equal(new[] { 2, 0, 2 }, result.Worst.Position);
    }

    [Fact]
    public void A_wrong_in_proj_weight_gradient_is_reported_by_pytorch_index_despite_the_transposed_storage()
    {
        var inner = new AttnMha9h3D();
        inner.InitializeParameters(8);
        const int Row = 20, Column = 4;

        // Where in_proj_weight[20, 4] lives, found independently of the checker's probe: import a copy with that one
        // element changed and see which stored parameter changes.
        var before = inner.Parameters.ToArray();
        var tensor = new double[inner.ParameterLength("in_proj_weight")];
        inner.ExportParameter("in_proj_weight", tensor);
        tensor[(Row * 9) + Column] += 1;
        inner.ImportParameter("in_proj_weight", tensor);
        var stored = Enumerable.Range(0, before.Length).Single(i => inner.Parameters[i] != before[i]);
        before.CopyTo(inner.Parameters);

        var cell = new MultiHeadWithWrongGradient(inner) { ParameterSlipAt = stored, Slip = 1e-3 };
        var result = CellGradientCheck.CheckAttention(cell, 3, 4, 2, Uniform(1, 2 * 3 * 9, 1), Uniform(2, 2 * 4 * 9, 1), Uniform(3, 2 * 4 * 9, 1), [], causal: false);
        Assert.Equal(1, result.FailedElements);
        Assert.Equal("in_proj_weight", result.Worst!.Segment);
        Assert.Equal(new[] { Row, Column }, result.Worst.Position);
    }

    [Fact]
    public void A_wrong_key_gradient_is_reported_by_sample_token_and_feature()
    {
        var inner = new AttnMha9h3D();
        inner.InitializeParameters(9);

        // key is [B, Tk, E] = [2, 4, 9]: flat index 9·4 + 9·1 + 7 = 52 is sample 1, token 1, feature 7.
        var cell = new MultiHeadWithWrongGradient(inner) { KeySlipAt = 52, Slip = -1e-3 };
        var result = CellGradientCheck.CheckAttention(cell, 4, 4, 2, Uniform(1, 2 * 4 * 9, 1), Uniform(2, 2 * 4 * 9, 1), Uniform(3, 2 * 4 * 9, 1), [], causal: true);
        Assert.Equal(1, result.FailedElements);
        Assert.Equal("key", result.Worst!.Segment);
        Assert.Equal(new[] { 1, 1, 7 }, result.Worst.Position);
    }

    [Fact]
    public void Parameters_are_restored_bit_for_bit_and_the_callers_inputs_are_not_written()
    {
        var cell = new Lstm5x11D();
        cell.InitializeParameters(10);
        var parameters = cell.Parameters.ToArray().Select(BitConverter.DoubleToInt64Bits).ToArray();
        var inputs = Uniform(10, 4 * 3 * 5, 1);
        var hidden = Uniform(11, 3 * 11, 1);
        var state = Uniform(12, 3 * 11, 1);
        var copies = (inputs.ToArray(), hidden.ToArray(), state.ToArray());

        CellGradientCheck.CheckCell(cell, 4, 3, inputs, hidden, state).AssertPasses();

        Assert.Equal(parameters, cell.Parameters.ToArray().Select(BitConverter.DoubleToInt64Bits).ToArray());
        Assert.Equal(copies.Item1, inputs);
        Assert.Equal(copies.Item2, hidden);
        Assert.Equal(copies.Item3, state);
    }

    [Fact]
    public void Wrong_lengths_throw_naming_the_argument_before_anything_changes()
    {
        var cell = new Lstm3x5D();
        cell.InitializeParameters(1);
        var parameters = cell.Parameters.ToArray();

        var hidden = Assert.Throws<ArgumentException>(() => CellGradientCheck.CheckCell(cell, 2, 3, new double[2 * 3 * 3], new double[14], new double[15]));
        Assert.Equal("hidden", hidden.ParamName);
        Assert.Contains("expected 15 (batch × OutputSize = 3 × 5)", hidden.Message, StringComparison.Ordinal);

        var inputs = Assert.Throws<ArgumentException>(() => CellGradientCheck.CheckCell(cell, 2, 3, new double[17], new double[15], new double[15]));
        Assert.Equal("inputs", inputs.ParamName);

        Assert.Throws<ArgumentOutOfRangeException>("steps", () => CellGradientCheck.CheckCell(cell, 0, 3, [], new double[15], new double[15]));

        var mha = new AttnMha9h3D();
        var key = Assert.Throws<ArgumentException>(() => CellGradientCheck.CheckAttention(mha, 2, 3, 1, new double[18], new double[26], new double[27], [], false));
        Assert.Equal("key", key.ParamName);
        Assert.Equal(parameters, cell.Parameters.ToArray());
    }

    private static GradientCheckResult CheckLstm(ILstmCell<double> cell, int steps, int batch, int seed) =>
        CellGradientCheck.CheckCell(
            cell, steps, batch, Uniform(seed, steps * batch * cell.InputSize, 1.5), Uniform(seed + 1, batch * cell.HiddenSize, 1), Uniform(seed + 2, batch * cell.HiddenSize, 2));
}

using System.Collections.Generic;
using System.Linq;
using FsCheck;
using FsCheck.Xunit;
using Simd.Tests.Models;

namespace Simd.Tests.Boundaries;

/// <summary>
/// Every public entry point, called with random sizes (each argument right or wrong by a random amount, 0 and +1000
/// included), random counts (negative, zero, out of range) and random values (NaN, infinities, huge magnitudes): only
/// documented exceptions, a wrong argument named with its expected length, and no state changed by a call that throws.
/// Each case draws one call of every entry point of its group; see <see cref="BoundaryRunner"/> for the contract.
/// </summary>
public sealed class BoundaryPropertyTests
{
    // Cases per group: each case calls every entry point of the group once, so the whole set stays at a few seconds.
    private const int Cases = 100;

    private static readonly EntryPoint[] LstmCells =
    [
        .. RecurrentEntries.Lstm<float>("Lstm3x5", static () => new Lstm3x5(), Lstm1x1.CreateTape),
        .. RecurrentEntries.Lstm<double>("Lstm7x13D", static () => new Lstm7x13D(), Lstm1x1D.CreateTape),
        .. RecurrentEntries.Lstm<float>("Lstm7x13Bf16", static () => new Lstm7x13Bf16(), Lstm3x5.CreateTape),
        .. RecurrentEntries.Lstm<float>("LstmP3x5p2", static () => new LstmP3x5p2(), Lstm3x5.CreateTape),
        .. RecurrentEntries.Lstm<double>("LstmP7x13p5D", static () => new LstmP7x13p5D(), LstmP3x5p2D.CreateTape),
    ];

    private static readonly EntryPoint[] GruAndRnnCells =
    [
        .. RecurrentEntries.HiddenState<float>("Gru3x5", static () => new Gru3x5(), 3, Gru1x1.CreateTape),
        .. RecurrentEntries.HiddenState<float>("GruRb3x5", static () => new GruRb3x5(), 3, Gru3x5.CreateTape),
        .. RecurrentEntries.HiddenState<double>("Gru7x13D", static () => new Gru7x13D(), 3, GruRb7x13D.CreateTape),
        .. RecurrentEntries.HiddenState<double>("GruRb3x5D", static () => new GruRb3x5D(), 3, Gru3x5D.CreateTape),
        .. RecurrentEntries.HiddenState<float>("Rnn3x5", static () => new Rnn3x5(), 1, RnnRelu3x5.CreateTape),
        .. RecurrentEntries.HiddenState<double>("RnnRelu7x13D", static () => new RnnRelu7x13D(), 1, Rnn7x13D.CreateTape),
    ];

    private static readonly EntryPoint[] Networks =
    [
        .. RecurrentEntries.LstmNetwork<float>("LstmNet3x5L2", static () => new LstmNet3x5L2(), LstmNet7x13Bi.CreateTape),
        .. RecurrentEntries.LstmNetwork<float>("LstmNet7x13P5L2Bi", static () => new LstmNet7x13P5L2Bi(), LstmNet3x5L2.CreateTape),
        .. RecurrentEntries.LstmNetwork<double>("LstmNet3x5L2BiD", static () => new LstmNet3x5L2BiD(), LstmNet4x7L2D.CreateTape),
        .. RecurrentEntries.HiddenStateNetwork<float>("GruNet3x5L2", static () => new GruNet3x5L2(), GruNet7x13Bi.CreateTape),
        .. RecurrentEntries.HiddenStateNetwork<double>("GruNet2x3BiBeforeD", static () => new GruNet2x3BiBeforeD(), GruNet3x5L2BiD.CreateTape),
        .. RecurrentEntries.HiddenStateNetwork<float>("RnnNet7x13BiRelu", static () => new RnnNet7x13BiRelu(), RnnNet3x5L2.CreateTape),
        .. RecurrentEntries.HiddenStateNetwork<double>("RnnNet3x5L2BiD", static () => new RnnNet3x5L2BiD(), RnnNet4x7L2D.CreateTape),
    ];

    private static readonly EntryPoint[] SingleHeadAttention =
    [
        .. AttentionEntries.SingleHead<float>("AttnAdd5x7x9", static () => new AttnAdd5x7x9(), new AttnAdd1x1x1().CreateWorkspace),
        .. AttentionEntries.SingleHead<double>("AttnAdd13x6x17v11D", static () => new AttnAdd13x6x17v11D(), new AttnAdd1x1x1D().CreateWorkspace),
        .. AttentionEntries.SingleHead<float>("AttnDot7v5", static () => new AttnDot7v5(), new AttnGeneral5x11().CreateWorkspace),
        .. AttentionEntries.SingleHead<double>("AttnGeneral5x11v3D", static () => new AttnGeneral5x11v3D(), new AttnDot7v5D().CreateWorkspace),
        .. AttentionEntries.SingleHead<float>("AttnConcat6x9a10", static () => new AttnConcat6x9a10(), new AttnAdd5x7x9().CreateWorkspace),
        .. AttentionEntries.SingleHead<double>("AttnConcat6x9a10D", static () => new AttnConcat6x9a10D(), new AttnAdd5x7x9D().CreateWorkspace),
    ];

    private static readonly EntryPoint[] MultiHeadAttention =
    [
        .. AttentionEntries.MultiHead<float>("AttnMha6h2", static () => new AttnMha6h2(), static () => new AttnMha5h1()),
        .. AttentionEntries.MultiHead<float>("AttnMha12h4", static () => new AttnMha12h4(), static () => new AttnMha6h2()),
        .. AttentionEntries.MultiHead<double>("AttnMha9h3D", static () => new AttnMha9h3D(), static () => new AttnMha5h1D()),
    ];

    private static readonly EntryPoint[] Layers =
    [
        .. LayerEntries.Dense<float>("DenseNone7x5", static () => new DenseNone7x5()),
        .. LayerEntries.Dense<float>("DenseTanh3x17", static () => new DenseTanh3x17()),
        .. LayerEntries.Dense<double>("DenseRelu17x4D", static () => new DenseRelu17x4D()),
        .. LayerEntries.Dense<double>("DenseSigmoid5x13D", static () => new DenseSigmoid5x13D()),
        .. LayerEntries.Embedding<float>("Embed6x13", static () => new Embed6x13()),
        .. LayerEntries.Embedding<double>("Embed11x7D", static () => new Embed11x7D()),
        .. LayerEntries.Losses<float>("float"),
        .. LayerEntries.Losses<double>("double"),
    ];

    private static readonly EntryPoint[] Training =
    [
        .. TrainingEntries.ParameterSet<float>("float"),
        .. TrainingEntries.ParameterSet<double>("double"),
        .. TrainingEntries.Optimizers<float>("float"),
        .. TrainingEntries.Optimizers<double>("double"),
        .. TrainingEntries.WeightPublisher(),
    ];

    private static readonly EntryPoint[] Models = [.. TrainingEntries.EncoderDecoder()];

    private static readonly EntryPoint[] Concrete = [.. ConcreteEntries.All()];

    /// <summary>Every entry point under test, by group: the table the properties below run.</summary>
    internal static IReadOnlyDictionary<string, EntryPoint[]> Groups { get; } = new Dictionary<string, EntryPoint[]>
    {
        [nameof(LstmCells)] = LstmCells,
        [nameof(GruAndRnnCells)] = GruAndRnnCells,
        [nameof(Networks)] = Networks,
        [nameof(SingleHeadAttention)] = SingleHeadAttention,
        [nameof(MultiHeadAttention)] = MultiHeadAttention,
        [nameof(Layers)] = Layers,
        [nameof(Training)] = Training,
        [nameof(Models)] = Models,
        [nameof(Concrete)] = Concrete,
    };

    [Property(MaxTest = Cases)]
    public void Lstm_cells_keep_the_boundary_contract(DoNotSize<int> seed) => BoundaryRunner.RunAll(LstmCells, seed.Item);

    [Property(MaxTest = Cases)]
    public void Gru_and_rnn_cells_keep_the_boundary_contract(DoNotSize<int> seed) => BoundaryRunner.RunAll(GruAndRnnCells, seed.Item);

    [Property(MaxTest = Cases)]
    public void Layered_networks_keep_the_boundary_contract(DoNotSize<int> seed) => BoundaryRunner.RunAll(Networks, seed.Item);

    [Property(MaxTest = Cases)]
    public void Single_head_attention_keeps_the_boundary_contract(DoNotSize<int> seed) => BoundaryRunner.RunAll(SingleHeadAttention, seed.Item);

    [Property(MaxTest = Cases)]
    public void Multi_head_attention_keeps_the_boundary_contract(DoNotSize<int> seed) => BoundaryRunner.RunAll(MultiHeadAttention, seed.Item);

    [Property(MaxTest = Cases)]
    public void Dense_embedding_and_losses_keep_the_boundary_contract(DoNotSize<int> seed) => BoundaryRunner.RunAll(Layers, seed.Item);

    [Property(MaxTest = Cases)]
    public void Parameter_sets_optimizers_and_publishers_keep_the_boundary_contract(DoNotSize<int> seed) => BoundaryRunner.RunAll(Training, seed.Item);

    [Property(MaxTest = Cases)]
    public void Layout_converters_network_steps_and_add_to_keep_the_boundary_contract(DoNotSize<int> seed) => BoundaryRunner.RunAll(Concrete, seed.Item);

    [Property(MaxTest = Cases)]
    public void The_encoder_decoder_keeps_the_boundary_contract(DoNotSize<int> seed) => BoundaryRunner.RunAll(Models, seed.Item);

    /// <summary>
    /// Every entry point, over a few seeds, both ran to completion on valid arguments and refused a wrong one: a table
    /// entry whose valid calls always throw, or whose arguments are never wrong, would test nothing.
    /// </summary>
    [Xunit.Fact]
    public void Every_entry_point_both_accepts_valid_calls_and_refuses_wrong_ones()
    {
        var problems = new List<string>();
        foreach (var entry in Groups.Values.SelectMany(static g => g))
        {
            bool succeeded = false, refused = false;
            for (var seed = 0; seed < 60 && !(succeeded && refused); seed++)
            {
                var outcome = BoundaryRunner.Run(entry, seed);
                succeeded |= outcome.AllValid && !outcome.Threw;
                refused |= !outcome.AllValid && outcome.Threw;
            }

            if (!succeeded && entry.Reachable != Reachable.RefusalsOnly)
            {
                problems.Add($"{entry.Name}: no valid call succeeded in 60 seeds");
            }

            if (!refused && entry.Reachable != Reachable.SuccessesOnly)
            {
                problems.Add($"{entry.Name}: no wrong call was refused in 60 seeds");
            }
        }

        Xunit.Assert.True(problems.Count == 0, string.Join(System.Environment.NewLine, problems));
    }

    [Xunit.Fact]
    public void Entry_names_are_unique_so_a_failure_names_its_entry_point()
    {
        var names = Groups.Values.SelectMany(static g => g).Select(static e => e.Name).ToArray();
        Xunit.Assert.Equal(names.Length, names.Distinct(System.StringComparer.Ordinal).Count());
    }
}

/// <summary>The runner itself: each kind of broken entry point it exists to catch is caught.</summary>
public sealed class BoundaryRunnerTests
{
    // A span that must be 3 long; the broken callee does what the name says when it is not.
    private static EntryPoint Broken(string name, System.Action<float[]> callee) =>
        new(name, _ => new Scenario { Invoke = c => callee(c.Span<float>("values")) }.Span<float>("values", static _ => 3));

    private static void Caught(EntryPoint entry)
    {
        for (var seed = 0; seed < 200; seed++)
        {
            try
            {
                BoundaryRunner.Run(entry, seed);
            }
            catch (Xunit.Sdk.XunitException)
            {
                return;
            }
        }

        Xunit.Assert.Fail($"{entry.Name} was never caught in 200 calls.");
    }

    [Xunit.Fact]
    public void A_write_before_the_exception_is_caught() => Caught(Broken("writes then throws", static values =>
    {
        if (values.Length > 0)
        {
            values[0] = float.NaN;
        }

        if (values.Length != 3)
        {
            throw new System.ArgumentException("'values' has length; expected 3.", "values");
        }
    }));

    [Xunit.Fact]
    public void An_undocumented_exception_type_is_caught() => Caught(Broken("index out of range", static values => _ = values[2]));

    [Xunit.Fact]
    public void A_wrong_length_accepted_in_silence_is_caught() => Caught(Broken("accepts anything", static _ => { }));

    [Xunit.Fact]
    public void An_exception_naming_another_argument_is_caught() => Caught(Broken("names another argument", static values =>
    {
        if (values.Length != 3)
        {
            throw new System.ArgumentException("expected 3.", "other");
        }
    }));

    [Xunit.Fact]
    public void A_message_without_the_expected_length_is_caught() => Caught(Broken("says nothing", static values =>
    {
        if (values.Length != 3)
        {
            throw new System.ArgumentException("wrong.", "values");
        }
    }));
}

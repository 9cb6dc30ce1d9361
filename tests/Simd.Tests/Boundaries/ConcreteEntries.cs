using System;
using System.Collections.Generic;
using Simd.Models;
using Simd.Tests.Models;
using Simd.Training;
using static Simd.Tests.Boundaries.RecurrentEntries;

namespace Simd.Tests.Boundaries;

/// <summary>
/// Entry points that only the generated classes (not the interfaces) offer: the static layout converters of cells and
/// the single steps of unidirectional networks, plus EncoderDecoder.AddTo.
/// </summary>
internal static class ConcreteEntries
{
    private const int MaxBatch = 3;

    public static IEnumerable<EntryPoint> All()
    {
        // Lstm3x5: 4H = 20 gate rows over I = 3 inputs and H = 5 states.
        yield return Converter<float>("Lstm3x5.FromPyTorchLayout", (c, d) => Lstm3x5.FromPyTorchLayout(c.Span<float>("weightIh"), c.Span<float>("weightHh"), c.Span<float>("biasIh"), c.Span<float>("biasHh"), d), 20 * 3, 20 * 5, 20, 0, Lstm3x5.ParameterCount);
        yield return Converter<float>("Lstm3x5.ToPyTorchLayout", (c, d) => Lstm3x5.ToPyTorchLayout(d, c.Span<float>("weightIh"), c.Span<float>("weightHh"), c.Span<float>("biasIh"), c.Span<float>("biasHh")), 20 * 3, 20 * 5, 20, 0, Lstm3x5.ParameterCount);

        // LstmP3x5p2: W_hh is [4H, P] = [20, 2] and W_hr [P, H] = [2, 5].
        yield return Converter<float>("LstmP3x5p2.FromPyTorchLayout", (c, d) => LstmP3x5p2.FromPyTorchLayout(c.Span<float>("weightIh"), c.Span<float>("weightHh"), c.Span<float>("biasIh"), c.Span<float>("biasHh"), c.Span<float>("weightHr"), d), 20 * 3, 20 * 2, 20, 2 * 5, LstmP3x5p2.ParameterCount);
        yield return Converter<float>("LstmP3x5p2.ToPyTorchLayout", (c, d) => LstmP3x5p2.ToPyTorchLayout(d, c.Span<float>("weightIh"), c.Span<float>("weightHh"), c.Span<float>("biasIh"), c.Span<float>("biasHh"), c.Span<float>("weightHr")), 20 * 3, 20 * 2, 20, 2 * 5, LstmP3x5p2.ParameterCount);

        // Rnn3x5D: H = 5 rows.
        yield return Converter<double>("Rnn3x5D.FromPyTorchLayout", (c, d) => Rnn3x5D.FromPyTorchLayout(c.Span<double>("weightIh"), c.Span<double>("weightHh"), c.Span<double>("biasIh"), c.Span<double>("biasHh"), d), 5 * 3, 5 * 5, 5, 0, Rnn3x5D.ParameterCount);
        yield return Converter<double>("Rnn3x5D.ToPyTorchLayout", (c, d) => Rnn3x5D.ToPyTorchLayout(d, c.Span<double>("weightIh"), c.Span<double>("weightHh"), c.Span<double>("biasIh"), c.Span<double>("biasHh")), 5 * 3, 5 * 5, 5, 0, Rnn3x5D.ParameterCount);

        // Unidirectional networks step every layer: h is [Layers, B, H] (and c too); StepBatch reads B off the inputs.
        yield return new("LstmNet3x5L2.Step", random =>
        {
            var network = Arrange(static () => new LstmNet3x5L2(), random);
            return new Scenario { Invoke = c => network.Step(c.Span<float>("input"), c.Span<float>("hidden"), c.Span<float>("cell")), State = s => s.Add("parameters", network.Parameters) }
                .Span<float>("input", _ => 3).Span<float>("hidden", _ => 2 * 5).Span<float>("cell", _ => 2 * 5);
        });

        yield return new("LstmNet3x5L2.StepBatch", random =>
        {
            var network = Arrange(static () => new LstmNet3x5L2(), random);
            return BatchFromInputs(new Scenario { Invoke = c => network.StepBatch(c.Span<float>("inputs"), c.Span<float>("hidden"), c.Span<float>("cell")), State = s => s.Add("parameters", network.Parameters) }, random, 3)
                .Span<float>("inputs", d => (long)d.Count("batch") * 3).Span<float>("hidden", d => 2L * d.Count("batch") * 5).Span<float>("cell", d => 2L * d.Count("batch") * 5);
        });

        yield return new("GruNet3x5L2.Step", random =>
        {
            var network = Arrange(static () => new GruNet3x5L2(), random);
            return new Scenario { Invoke = c => network.Step(c.Span<float>("input"), c.Span<float>("hidden")), State = s => s.Add("parameters", network.Parameters) }
                .Span<float>("input", _ => 3).Span<float>("hidden", _ => 2 * 5);
        });

        yield return new("RnnNet3x5L2.StepBatch", random =>
        {
            var network = Arrange(static () => new RnnNet3x5L2(), random);
            return BatchFromInputs(new Scenario { Invoke = c => network.StepBatch(c.Span<float>("inputs"), c.Span<float>("hidden")), State = s => s.Add("parameters", network.Parameters) }, random, 3)
                .Span<float>("inputs", d => (long)d.Count("batch") * 3).Span<float>("hidden", d => 2L * d.Count("batch") * 5);
        });

        yield return new("EncoderDecoder.AddTo", random =>
        {
            var model = new EncoderDecoder<double>(new EdSourceEmbeddingD(), new EdEncoderD(), new EdTargetEmbeddingD(), new EdAttentiveDecoderD(), new EdAttentionD(), new EdAttentiveHeadD(), 2, 2, 1);
            var fresh = new ParameterSet<double>();
            if (random.Next(2) == 0)
            {
                fresh.Add("unrelated", new Support.ParameterBlock<double>(4));
            }

            // A set that already uses one of the names AddTo gives, and one that already holds one of the modules.
            var clashingName = new ParameterSet<double>().Add("decoder", new Support.ParameterBlock<double>(2));
            var clashingModule = new ParameterSet<double>().Add("mine", model.Modules[4]);
            return new Scenario
            {
                Invoke = c => model.AddTo(c.Choice<ParameterSet<double>>("parameters")),
                State = s =>
                {
                    foreach (var set in new[] { fresh, clashingName, clashingModule })
                    {
                        s.Add("count", set.Count);
                    }
                },
            }.Choice("parameters", new Option("set", fresh), new Option("set using the name 'decoder'", clashingName, Validity.Wrong), new Option("set holding the attention", clashingModule, Validity.Wrong), new Option("null", null, Validity.Wrong));
        });
    }

    /// <summary>A static layout converter: four or five PyTorch tensors and a parameter span.</summary>
    private static EntryPoint Converter<T>(string name, Action<Call, T[]> convert, long weightIh, long weightHh, long bias, long weightHr, int parameterCount)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        return new(name, random =>
        {
            var scenario = new Scenario { Invoke = c => convert(c, c.Span<T>("parameters")) }
                .Span<T>("weightIh", _ => weightIh).Span<T>("weightHh", _ => weightHh).Span<T>("biasIh", _ => bias).Span<T>("biasHh", _ => bias);
            if (weightHr > 0)
            {
                scenario.Span<T>("weightHr", _ => weightHr);
            }

            return scenario.Span<T>("parameters", _ => parameterCount);
        });
    }

    private static Scenario BatchFromInputs(Scenario scenario, Random random, int inputSize)
    {
        scenario.Fixed["batch"] = random.Next(1, MaxBatch + 1);
        scenario.Derived["batch"] = d => d.Length("inputs") > 0 && d.Length("inputs") % inputSize == 0 ? d.Length("inputs") / inputSize : null;
        return scenario;
    }
}

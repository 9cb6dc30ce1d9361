using System;
using System.Collections.Generic;
using System.Numerics;
using Simd.Models;
using Simd.Tests.Models;
using Simd.Tests.Support;
using Simd.Training;

namespace Simd.Tests.Boundaries;

/// <summary>
/// Parameter sets, optimizers, the weight publisher and the encoder–decoder as boundary-test entries. Their arguments
/// are mostly objects and scalars: each is a choice among valid and wrong values.
/// </summary>
internal static class TrainingEntries
{
    public static IEnumerable<EntryPoint> ParameterSet<T>(string suffix)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        yield return new($"ParameterSet<{suffix}>.Add", random =>
        {
            var (set, first) = Set<T>(random);
            return new Scenario { Invoke = c => set.Add(c.Choice<string>("name"), c.Choice<IParameterized<T>>("module")), State = s => SetState(s, set) }
                .Choice("name", new Option("new name", "second"), new Option("used name", "first", Validity.Wrong), new Option("null", null, Validity.Wrong))
                .Choice(
                    "module",
                    new Option("new module", new ParameterBlock<T>(random.Next(0, 9))),
                    new Option("module already added", first, Validity.Wrong),
                    new Option("module whose Parameters is not ParameterCount long", new MiscountedModule<T>(), Validity.Wrong),
                    new Option("null", null, Validity.Wrong));
        });

        yield return new($"ParameterSet<{suffix}>.Gradients(module)", random =>
        {
            var (set, first) = Set<T>(random);
            return new Scenario { Invoke = c => set.Gradients(c.Choice<IParameterized<T>>("module")), State = s => SetState(s, set) }
                .Choice("module", new Option("module of the set", first), new Option("other module", new ParameterBlock<T>(3), Validity.Wrong), new Option("null", null, Validity.Wrong));
        });

        foreach (var (method, call) in new (string, Action<ParameterSet<T>, int>)[]
        {
            ("Name", static (set, index) => set.Name(index)),
            ("Module", static (set, index) => set.Module(index)),
            ("Gradients(index)", static (set, index) => set.Gradients(index)),
        })
        {
            yield return new($"ParameterSet<{suffix}>.{method}", random =>
            {
                var (set, _) = Set<T>(random);
                return new Scenario { Invoke = c => call(set, c.Count("index")), State = s => SetState(s, set) }.Count("index", 0, set.Count - 1, set.Count - 1);
            });
        }

        yield return new($"ParameterSet<{suffix}>.ClipGradientsByGlobalNorm", random =>
        {
            var (set, _) = Set<T>(random);
            return new Scenario { Invoke = c => set.ClipGradientsByGlobalNorm(c.Choice<T>("maxNorm")), State = s => SetState(s, set) }
                .Choice("maxNorm", Scalars<T>(positive: true, allowZero: false, belowOne: false));
        });
    }

    public static IEnumerable<EntryPoint> Optimizers<T>(string suffix)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        yield return new($"Sgd<{suffix}>(..)", random =>
        {
            var (set, _) = Set<T>(random);
            return new Scenario
            {
                Invoke = c => _ = new Sgd<T>(c.Choice<ParameterSet<T>>("parameters"), c.Choice<T>("learningRate"), c.Choice<T>("momentum"), c.Choice<bool>("nesterov"), c.Choice<T>("weightDecay")),
                State = s => SetState(s, set),

                // Nesterov momentum needs a positive momentum.
                Rules = d => (bool)d.Choice("nesterov").Value! && (T)d.Choice("momentum").Value! == T.Zero ? ["nesterov"] : [],
            }
                .Choice("parameters", new Option("set", set), new Option("null", null, Validity.Wrong))
                .Choice("learningRate", Scalars<T>(positive: false, allowZero: true, belowOne: false))
                .Choice("momentum", Scalars<T>(positive: false, allowZero: true, belowOne: true))
                .Choice("nesterov", new Option("false", false), new Option("true", true))
                .Choice("weightDecay", Scalars<T>(positive: false, allowZero: true, belowOne: false));
        });

        foreach (var (kind, construct) in new (string, Func<ParameterSet<T>, T, T, T, T, T, Optimizer<T>>)[]
        {
            ("Adam", static (p, lr, b1, b2, eps, wd) => new Adam<T>(p, lr, b1, b2, eps, wd)),
            ("AdamW", static (p, lr, b1, b2, eps, wd) => new AdamW<T>(p, lr, b1, b2, eps, wd)),
        })
        {
            yield return new($"{kind}<{suffix}>(..)", random =>
            {
                var (set, _) = Set<T>(random);
                return new Scenario
                {
                    Invoke = c => construct(c.Choice<ParameterSet<T>>("parameters"), c.Choice<T>("learningRate"), c.Choice<T>("beta1"), c.Choice<T>("beta2"), c.Choice<T>("epsilon"), c.Choice<T>("weightDecay")),
                    State = s => SetState(s, set),
                }
                    .Choice("parameters", new Option("set", set), new Option("null", null, Validity.Wrong))
                    .Choice("learningRate", Scalars<T>(positive: false, allowZero: true, belowOne: false))
                    .Choice("beta1", Scalars<T>(positive: false, allowZero: true, belowOne: true))
                    .Choice("beta2", Scalars<T>(positive: false, allowZero: true, belowOne: true))
                    .Choice("epsilon", Scalars<T>(positive: true, allowZero: false, belowOne: false))
                    .Choice("weightDecay", Scalars<T>(positive: false, allowZero: true, belowOne: false));
            });
        }

        yield return new($"Adam<{suffix}>(parameters, learningRate)", random =>
        {
            var (set, _) = Set<T>(random);
            return new Scenario { Invoke = c => _ = new Adam<T>(c.Choice<ParameterSet<T>>("parameters"), c.Choice<T>("learningRate")), State = s => SetState(s, set) }
                .Choice("parameters", new Option("set", set), new Option("null", null, Validity.Wrong))
                .Choice("learningRate", Scalars<T>(positive: false, allowZero: true, belowOne: false));
        });

        yield return new($"Optimizer<{suffix}>.LearningRate", random =>
        {
            var (set, _) = Set<T>(random);
            Optimizer<T> optimizer = random.Next(2) == 0 ? new Sgd<T>(set, T.One) : new AdamW<T>(set, T.One);
            return new Scenario { Invoke = c => optimizer.LearningRate = c.Choice<T>("LearningRate"), State = s => SetState(s, set).Add("learningRate", [optimizer.LearningRate]) }
                .Choice("LearningRate", Scalars<T>(positive: false, allowZero: true, belowOne: false));
        });
    }

    public static IEnumerable<EntryPoint> WeightPublisher()
    {
        yield return new("WeightPublisher(..)", random =>
        {
            var initialized = new int[1];
            Func<Lstm3x5> create = static () => new Lstm3x5();
            Func<Lstm3x5> createNull = static () => null!;
            Action<Lstm3x5> initialize = cell =>
            {
                initialized[0]++;
                cell.InitializeParameters(7);
            };

            // Nothing is initialized unless the publisher is made.
            return new Scenario { Invoke = c => _ = new WeightPublisher<Lstm3x5>(c.Choice<Func<Lstm3x5>>("create"), c.Choice<Action<Lstm3x5>>("initialize"), c.Count("instances")), State = s => s.Add("initialized", initialized[0]) }
                .Choice("create", new Option("factory", create), new Option("factory returning null", createNull, Validity.Wrong), new Option("null", null, Validity.Wrong))
                .Choice("initialize", new Option("initializer", initialize), new Option("null", null, Validity.Wrong))
                .Count("instances", 2, int.MaxValue, 5);
        });
    }

    // The encoder–decoder of Models/ModelShapes.cs: source vocabulary 7, target vocabulary and classes 8, bidirectional
    // encoder with 2 × 3 outputs, decoder hidden 6, additive attention; made for sources of up to 4, targets of up to 3
    // and batches of up to 2.
    private const int MaxSource = 4;
    private const int MaxTarget = 3;
    private const int MaxBatch = 2;

    public static IEnumerable<EntryPoint> EncoderDecoder()
    {
        yield return new("EncoderDecoder(..)", random =>
        {
            var modules = new IParameterized<double>[] { new EdSourceEmbeddingD(), new EdEncoderD(), new EdTargetEmbeddingD(), new EdAttentiveDecoderD(), new EdPlainDecoderD(), new EdAttentionD(), new EdAttentiveHeadD(), new EdPlainHeadD() };
            foreach (var module in modules)
            {
                Values.Fill<double>(random, module.ParameterCount).CopyTo(module.Parameters);
            }

            // The decoder, attention and head of the model with attention and of the one without are each valid on
            // their own; whether a mix of them fits is the rules' call (an attentive decoder reads the context, an
            // attentive head too), so three modules of the same model are never called wrong.
            return new Scenario
            {
                Invoke = c => _ = new EncoderDecoder<double>(
                    c.Choice<IEmbeddingLayer<double>>("sourceEmbedding"), c.Choice<ILstmNetwork<double>>("encoder"), c.Choice<IEmbeddingLayer<double>>("targetEmbedding"),
                    c.Choice<ILstmCell<double>>("decoder"), c.Choice<ISingleHeadAttention<double>>("attention"), c.Choice<IDenseLayer<double>>("output"),
                    c.Count("maxSourceLength"), c.Count("maxTargetLength"), c.Count("maxBatch")),
                State = s =>
                {
                    foreach (var module in modules)
                    {
                        s.Add(module.GetType().Name, module.Parameters);
                    }
                },

                // Sizes that do not fit together make every module involved a wrong argument (the constructor names one).
                Rules = d => Mismatches(
                    d.Choice("sourceEmbedding").Value as IEmbeddingLayer<double>, d.Choice("encoder").Value as ILstmNetwork<double>, d.Choice("targetEmbedding").Value as IEmbeddingLayer<double>,
                    d.Choice("decoder").Value as ILstmCell<double>, d.Choice("attention").Value as ISingleHeadAttention<double>, d.Choice("output").Value as IDenseLayer<double>),
            }
                .Choice("sourceEmbedding", new Option("source embedding", modules[0]), new Option("target embedding", modules[2], Validity.Wrong), new Option("null", null, Validity.Wrong))
                .Choice("encoder", new Option("encoder", modules[1]), new Option("encoder of other sizes", new LstmNet4x7L2D(), Validity.Wrong), new Option("null", null, Validity.Wrong))
                .Choice("targetEmbedding", new Option("target embedding", modules[2]), new Option("source embedding", modules[0], Validity.Wrong), new Option("null", null, Validity.Wrong))
                .Choice("decoder", new Option("attentive decoder", modules[3]), new Option("plain decoder", modules[4]), new Option("null", null, Validity.Wrong))
                .Choice("attention", new Option("attention", modules[5]), new Option("no attention", null), new Option("attention of other sizes", new AttnAdd5x7x9D(), Validity.Wrong))
                .Choice("output", new Option("attentive head", modules[6]), new Option("plain head", modules[7]), new Option("null", null, Validity.Wrong))
                .Count("maxSourceLength", 1, 1 << 20, 6).Count("maxTargetLength", 1, 1 << 20, 6).Count("maxBatch", 1, 1 << 20, 4);
        });

        yield return new("EncoderDecoder.Forward", random =>
        {
            var model = Model(random);
            return new Scenario
            {
                Invoke = c => model.Forward(c.Count("sourceLength"), c.Count("targetLength"), c.Count("batch"), c.Ints("sources"), c.Ints("targetInputs"), c.Ints("targetOutputs"), c.Choice<int>("ignoreIndex")),
                State = s => ModelState(s, model),
            }
                .Count("sourceLength", 1, MaxSource, MaxSource).Count("targetLength", 1, MaxTarget, MaxTarget).Count("batch", 1, MaxBatch, MaxBatch)
                .Choice("ignoreIndex", new Option("-100", -100), new Option("0", 0), new Option("int.MinValue", int.MinValue))
                .Ints("sources", d => (long)d.Count("batch") * d.Count("sourceLength"), static (_, v) => v >= 0 && v < 7, static (r, _) => r.Next(7))
                .Ints("targetInputs", d => (long)d.Count("batch") * d.Count("targetLength"), static (_, v) => v >= 0 && v < 8, static (r, _) => r.Next(8))
                .Ints("targetOutputs", d => (long)d.Count("batch") * d.Count("targetLength"), static (d, v) => (v >= 0 && v < 8) || v == (int)d.Choice("ignoreIndex").Value!, static (r, d) => r.Next(4) == 0 ? (int)d.Choice("ignoreIndex").Value! : r.Next(8));
        });

        yield return new("EncoderDecoder.Decode", random =>
        {
            var model = Model(random);
            return new Scenario
            {
                Invoke = c => model.Decode(c.Count("sourceLength"), c.Count("targetLength"), c.Count("batch"), c.Ints("sources"), c.Count("startToken"), c.Ints("outputs"), c.Span<double>("attentionWeights")),
                State = s => ModelState(s, model),
            }
                .Count("sourceLength", 1, MaxSource, MaxSource).Count("targetLength", 1, MaxTarget, MaxTarget).Count("batch", 1, MaxBatch, MaxBatch)
                .Ints("sources", d => (long)d.Count("batch") * d.Count("sourceLength"), static (_, v) => v >= 0 && v < 7, static (r, _) => r.Next(7))
                .Count("startToken", 0, 7, 7)
                .Ints("outputs", d => (long)d.Count("batch") * d.Count("targetLength"), static (_, _) => true, static (r, _) => r.Next(-5, 100))
                .Span<double>("attentionWeights", d => (long)d.Count("batch") * d.Count("targetLength") * d.Count("sourceLength"), emptyAllowed: true);
        });

        yield return new("EncoderDecoder.Backward", random =>
        {
            var model = Model(random);
            var complete = model.AddTo(new ParameterSet<double>());
            for (var m = 0; m < complete.Count; m++)
            {
                Values.Fill<double>(random, complete.Module(m).ParameterCount).CopyTo(complete.Gradients(m));
            }

            // A set without the decoder and the attention: their gradients have nowhere to go.
            var partial = new ParameterSet<double>();
            partial.Add("output", model.Modules[^1]).Add("encoder", model.Modules[1]);
            var scenario = new Scenario
            {
                Invoke = c => model.Backward(c.Choice<ParameterSet<double>>("gradients")),
                State = s => ModelState(SetState(SetState(s, complete), partial), model),
            };

            // Documented: Backward before any Forward.
            scenario.Documented.Add(typeof(InvalidOperationException));
            return scenario
                .Choice("gradients", new Option("set of every module", complete), new Option("set missing modules", partial, Validity.Wrong), new Option("null", null, Validity.Wrong));
        });
    }

    /// <summary>The constructor's documented size rules: each broken rule makes every module it relates a wrong argument.</summary>
    private static IEnumerable<string> Mismatches(IEmbeddingLayer<double>? source, ILstmNetwork<double>? encoder, IEmbeddingLayer<double>? target, ILstmCell<double>? decoder, ISingleHeadAttention<double>? attention, IDenseLayer<double>? output)
    {
        if (source is null || encoder is null || target is null || decoder is null || output is null)
        {
            yield break; // the null itself is the wrong argument
        }

        var context = attention?.ValueSize ?? 0;
        if (encoder.InputSize != source.Dimension)
        {
            yield return "sourceEmbedding";
            yield return "encoder";
        }

        if (decoder.InputSize != target.Dimension + context)
        {
            yield return "decoder";
            yield return "targetEmbedding";
            yield return "attention";
        }

        if (decoder.HiddenSize != encoder.Directions * encoder.HiddenSize)
        {
            yield return "decoder";
            yield return "encoder";
        }

        if (attention is not null && (attention.QuerySize != decoder.HiddenSize || attention.KeySize != encoder.OutputSize || attention.ValueSize != encoder.OutputSize))
        {
            yield return "attention";
            yield return "decoder";
            yield return "encoder";
        }

        if (output.InputSize != decoder.HiddenSize + context)
        {
            yield return "output";
            yield return "decoder";
            yield return "attention";
        }
    }

    /// <summary>A model with random parameters; half the time a Forward pass is recorded (Backward then works).</summary>
    private static EncoderDecoder<double> Model(Random random)
    {
        var model = new EncoderDecoder<double>(new EdSourceEmbeddingD(), new EdEncoderD(), new EdTargetEmbeddingD(), new EdAttentiveDecoderD(), new EdAttentionD(), new EdAttentiveHeadD(), MaxSource, MaxTarget, MaxBatch);
        model.InitializeParameters((ulong)random.Next());
        if (random.Next(2) == 0)
        {
            int s = random.Next(1, MaxSource + 1), t = random.Next(1, MaxTarget + 1), b = random.Next(1, MaxBatch + 1);
            var sources = new int[b * s];
            var inputs = new int[b * t];
            var outputs = new int[b * t];
            for (var i = 0; i < sources.Length; i++)
            {
                sources[i] = random.Next(7);
            }

            for (var i = 0; i < inputs.Length; i++)
            {
                inputs[i] = random.Next(8);
                outputs[i] = random.Next(8);
            }

            model.Forward(s, t, b, sources, inputs, outputs);
        }

        return model;
    }

    /// <summary>
    /// What a model shows: its parameters and the logits and attention weights of the last Forward (empty after a
    /// Decode).
    /// </summary>
    private static StateRecorder ModelState(StateRecorder state, EncoderDecoder<double> model)
    {
        foreach (var module in model.Modules)
        {
            state.Add(module.GetType().Name, module.Parameters);
        }

        return state.Add("logits", model.Logits).Add("attentionWeights", model.AttentionWeights);
    }

    /// <summary>A set with one or two modules, random parameters and random gradients (NaN and infinities included).</summary>
    private static (ParameterSet<T> Set, IParameterized<T> First) Set<T>(Random random)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var set = new ParameterSet<T>();
        var first = new ParameterBlock<T>(random.Next(1, 40));
        set.Add("first", first);
        if (random.Next(2) == 0)
        {
            set.Add("other", new ParameterBlock<T>(random.Next(0, 40)));
        }

        for (var m = 0; m < set.Count; m++)
        {
            Values.Fill<T>(random, set.Module(m).ParameterCount).CopyTo(set.Module(m).Parameters);
            Values.Fill<T>(random, set.Module(m).ParameterCount).CopyTo(set.Gradients(m));
        }

        return (set, first);
    }

    private static StateRecorder SetState<T>(StateRecorder state, ParameterSet<T> set)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        state.Add("count", set.Count);
        for (var m = 0; m < set.Count; m++)
        {
            state.Add("parameters of " + set.Name(m), set.Module(m).Parameters).Add("gradients of " + set.Name(m), set.Gradients(m));
        }

        return state;
    }

    /// <summary>Hyperparameter values: ordinary valid ones and every kind of invalid one for the given range.</summary>
    private static Option[] Scalars<T>(bool positive, bool allowZero, bool belowOne)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Option Value(string label, T value)
        {
            var valid = T.IsFinite(value) && (value > T.Zero || (allowZero && value == T.Zero)) && !(belowOne && value >= T.One) && !(positive && value <= T.Zero);
            return new Option(label, value, valid ? Validity.Valid : Validity.Wrong);
        }

        return
        [
            Value("0", T.Zero), Value("0.5", T.CreateTruncating(0.5)), Value("1e-8", T.CreateTruncating(1e-8)), Value("1", T.One), Value("1e30", T.CreateTruncating(1e30)),
            Value("-0", T.NegativeZero), Value("-1", -T.One), Value("NaN", T.NaN), Value("+Infinity", T.PositiveInfinity), Value("-Infinity", T.NegativeInfinity),
            Value("MaxValue", T.BitDecrement(T.PositiveInfinity)), Value("Epsilon", T.Epsilon),
        ];
    }
}

/// <summary>A module whose Parameters span is not ParameterCount long: ParameterSet.Add must refuse it.</summary>
internal sealed class MiscountedModule<T> : IParameterized<T>
    where T : unmanaged
{
    private readonly T[] _values = new T[3];

    public Span<T> Parameters => _values;

    public int ParameterCount => 4;
}

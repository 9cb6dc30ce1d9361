using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;

namespace Simd.Tests.Boundaries;

/// <summary>The public entry points of generated recurrent cells and networks, as boundary-test entries.</summary>
internal static class RecurrentEntries
{
    // Tapes are made for up to MaxSteps × MaxBatch; every foreign tape has the same maxima, so only its layout is wrong.
    private const int MaxSteps = 4;
    private const int MaxBatch = 3;

    /// <summary>Step, StepBatch, Forward (with and without a tape), Backward, import/export, indices and tapes of an LSTM cell.</summary>
    public static IEnumerable<EntryPoint> Lstm<T>(string name, Func<ILstmCell<T>> create, Func<int, int, Tape<T>> foreignTape)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var probe = create();
        int I = probe.InputSize, H = probe.HiddenSize, O = probe.OutputSize, P = probe.ParameterCount;

        yield return new($"{name}.Step", random =>
        {
            var cell = Arrange(create, random);
            return new Scenario { Invoke = c => cell.Step(c.Span<T>("input"), c.Span<T>("hidden"), c.Span<T>("cell")), State = s => s.Add("parameters", cell.Parameters) }
                .Span<T>("input", _ => I).Span<T>("hidden", _ => O).Span<T>("cell", _ => H);
        });

        yield return new($"{name}.StepBatch", random =>
        {
            var cell = Arrange(create, random);
            var scenario = new Scenario { Invoke = c => cell.StepBatch(c.Span<T>("inputs"), c.Span<T>("hidden"), c.Span<T>("cell")), State = s => s.Add("parameters", cell.Parameters) }
                .Span<T>("inputs", d => (long)d.Count("batch") * I).Span<T>("hidden", d => (long)d.Count("batch") * O).Span<T>("cell", d => (long)d.Count("batch") * H);
            return BatchFrom(scenario, random, "hidden", O);
        });

        yield return new($"{name}.Forward(tape)", random =>
        {
            var cell = Arrange(create, random);
            var (own, foreign) = Tapes(random, (s, b) => cell.CreateTape(s, b), foreignTape, record: (tape, s, b) => RecordLstm(cell, tape, s, b, random));
            return new Scenario
            {
                Invoke = c => cell.Forward(c.Count("steps"), c.Count("batch"), c.Span<T>("inputs"), c.Span<T>("hidden"), c.Span<T>("cell"), c.Span<T>("outputs"), c.Choice<Tape<T>>("tape")),
                State = s => s.Add("parameters", cell.Parameters).Tape("tape", own).Tape("foreign", foreign),
            }
                .Count("steps", 1, MaxSteps, MaxSteps).Count("batch", 1, MaxBatch, MaxBatch)
                .Span<T>("inputs", d => (long)d.Count("steps") * d.Count("batch") * I).Span<T>("hidden", d => (long)d.Count("batch") * O)
                .Span<T>("cell", d => (long)d.Count("batch") * H).Span<T>("outputs", d => (long)d.Count("steps") * d.Count("batch") * O)
                .Choice("tape", new Option("own tape", own), new Option("foreign tape", foreign, Validity.Wrong));
        });

        yield return new($"{name}.Forward(no tape)", random =>
        {
            var cell = Arrange(create, random);
            return new Scenario
            {
                Invoke = c => cell.Forward(c.Count("steps"), c.Count("batch"), c.Span<T>("inputs"), c.Span<T>("hidden"), c.Span<T>("cell"), c.Span<T>("outputs"), null),
                State = s => s.Add("parameters", cell.Parameters),
            }
                .Count("steps", 1, int.MaxValue, MaxSteps).Count("batch", 1, int.MaxValue, MaxBatch)
                .Span<T>("inputs", d => (long)d.Count("steps") * d.Count("batch") * I).Span<T>("hidden", d => (long)d.Count("batch") * O)
                .Span<T>("cell", d => (long)d.Count("batch") * H).Span<T>("outputs", d => (long)d.Count("steps") * d.Count("batch") * O);
        });

        yield return new($"{name}.Backward", random =>
        {
            var cell = Arrange(create, random);
            var (own, foreign) = Tapes(random, (s, b) => cell.CreateTape(s, b), foreignTape, record: null);
            var (steps, batch) = RecordLstm(cell, own, random.Next(1, MaxSteps + 1), random.Next(1, MaxBatch + 1), random);
            var unrecorded = cell.CreateTape(MaxSteps, MaxBatch);
            var scenario = new Scenario
            {
                Invoke = c => cell.Backward(
                    c.Choice<Tape<T>>("tape"), c.Span<T>("outputGradients"), c.Span<T>("finalHiddenGradient"), c.Span<T>("finalCellGradient"),
                    c.Span<T>("inputGradients"), c.Span<T>("initialHiddenGradient"), c.Span<T>("initialCellGradient"), c.Span<T>("parameterGradients")),
                State = s => s.Add("parameters", cell.Parameters).Tape("tape", own).Tape("unrecorded", unrecorded).Tape("foreign", foreign),
            };
            scenario.Fixed["steps"] = steps;
            scenario.Fixed["batch"] = batch;
            return scenario
                .Choice("tape", new Option("recorded tape", own), new Option("unrecorded tape", unrecorded, Validity.Wrong), new Option("foreign tape", foreign, Validity.Wrong), new Option("null", null, Validity.Wrong))
                .Span<T>("outputGradients", d => (long)d.Count("steps") * d.Count("batch") * O).Span<T>("finalHiddenGradient", d => (long)d.Count("batch") * O)
                .Span<T>("finalCellGradient", d => (long)d.Count("batch") * H).Span<T>("inputGradients", d => (long)d.Count("steps") * d.Count("batch") * I)
                .Span<T>("initialHiddenGradient", d => (long)d.Count("batch") * O).Span<T>("initialCellGradient", d => (long)d.Count("batch") * H)
                .Span<T>("parameterGradients", _ => P);
        });

        foreach (var entry in Common<T>(name, () => create(), gates: 4, I, O, projected: O != H))
        {
            yield return entry;
        }

        if (probe is IProjectedLstmCell<T>)
        {
            foreach (var entry in Projected(name, () => (IProjectedLstmCell<T>)create()))
            {
                yield return entry;
            }
        }
    }

    /// <summary>The same entry points for a GRU or RNN cell (the state is h alone).</summary>
    public static IEnumerable<EntryPoint> HiddenState<T>(string name, Func<IHiddenStateCell<T>> create, int gates, Func<int, int, Tape<T>> foreignTape)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var probe = create();
        int I = probe.InputSize, H = probe.HiddenSize, P = probe.ParameterCount;

        yield return new($"{name}.Step", random =>
        {
            var cell = Arrange(create, random);
            return new Scenario { Invoke = c => cell.Step(c.Span<T>("input"), c.Span<T>("hidden")), State = s => s.Add("parameters", cell.Parameters) }
                .Span<T>("input", _ => I).Span<T>("hidden", _ => H);
        });

        yield return new($"{name}.StepBatch", random =>
        {
            var cell = Arrange(create, random);
            var scenario = new Scenario { Invoke = c => cell.StepBatch(c.Span<T>("inputs"), c.Span<T>("hidden")), State = s => s.Add("parameters", cell.Parameters) }
                .Span<T>("inputs", d => (long)d.Count("batch") * I).Span<T>("hidden", d => (long)d.Count("batch") * H);
            return BatchFrom(scenario, random, "hidden", H);
        });

        yield return new($"{name}.Forward(tape)", random =>
        {
            var cell = Arrange(create, random);
            var (own, foreign) = Tapes(random, (s, b) => cell.CreateTape(s, b), foreignTape, record: (tape, s, b) => RecordHidden(cell, tape, s, b, random));
            return new Scenario
            {
                Invoke = c => cell.Forward(c.Count("steps"), c.Count("batch"), c.Span<T>("inputs"), c.Span<T>("hidden"), c.Span<T>("outputs"), c.Choice<Tape<T>>("tape")),
                State = s => s.Add("parameters", cell.Parameters).Tape("tape", own).Tape("foreign", foreign),
            }
                .Count("steps", 1, MaxSteps, MaxSteps).Count("batch", 1, MaxBatch, MaxBatch)
                .Span<T>("inputs", d => (long)d.Count("steps") * d.Count("batch") * I).Span<T>("hidden", d => (long)d.Count("batch") * H)
                .Span<T>("outputs", d => (long)d.Count("steps") * d.Count("batch") * H)
                .Choice("tape", new Option("own tape", own), new Option("foreign tape", foreign, Validity.Wrong));
        });

        yield return new($"{name}.Forward(no tape)", random =>
        {
            var cell = Arrange(create, random);
            return new Scenario
            {
                Invoke = c => cell.Forward(c.Count("steps"), c.Count("batch"), c.Span<T>("inputs"), c.Span<T>("hidden"), c.Span<T>("outputs"), null),
                State = s => s.Add("parameters", cell.Parameters),
            }
                .Count("steps", 1, int.MaxValue, MaxSteps).Count("batch", 1, int.MaxValue, MaxBatch)
                .Span<T>("inputs", d => (long)d.Count("steps") * d.Count("batch") * I).Span<T>("hidden", d => (long)d.Count("batch") * H)
                .Span<T>("outputs", d => (long)d.Count("steps") * d.Count("batch") * H);
        });

        yield return new($"{name}.Backward", random =>
        {
            var cell = Arrange(create, random);
            var (own, foreign) = Tapes(random, (s, b) => cell.CreateTape(s, b), foreignTape, record: null);
            var (steps, batch) = RecordHidden(cell, own, random.Next(1, MaxSteps + 1), random.Next(1, MaxBatch + 1), random);
            var unrecorded = cell.CreateTape(MaxSteps, MaxBatch);
            var scenario = new Scenario
            {
                Invoke = c => cell.Backward(c.Choice<Tape<T>>("tape"), c.Span<T>("outputGradients"), c.Span<T>("finalHiddenGradient"), c.Span<T>("inputGradients"), c.Span<T>("initialHiddenGradient"), c.Span<T>("parameterGradients")),
                State = s => s.Add("parameters", cell.Parameters).Tape("tape", own).Tape("unrecorded", unrecorded).Tape("foreign", foreign),
            };
            scenario.Fixed["steps"] = steps;
            scenario.Fixed["batch"] = batch;
            return scenario
                .Choice("tape", new Option("recorded tape", own), new Option("unrecorded tape", unrecorded, Validity.Wrong), new Option("foreign tape", foreign, Validity.Wrong), new Option("null", null, Validity.Wrong))
                .Span<T>("outputGradients", d => (long)d.Count("steps") * d.Count("batch") * H).Span<T>("finalHiddenGradient", d => (long)d.Count("batch") * H)
                .Span<T>("inputGradients", d => (long)d.Count("steps") * d.Count("batch") * I).Span<T>("initialHiddenGradient", d => (long)d.Count("batch") * H)
                .Span<T>("parameterGradients", _ => P);
        });

        foreach (var entry in Common<T>(name, () => create(), gates, I, H, projected: false))
        {
            yield return entry;
        }
    }

    /// <summary>Import/export of PyTorch tensors, parameter indices, initialisation and tapes: what every cell offers.</summary>
    private static IEnumerable<EntryPoint> Common<T>(string name, Func<IRecurrentCell<T>> create, int gates, int I, int O, bool projected)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var H = create().HiddenSize;
        long gH = (long)gates * H;

        // A projected cell's four-tensor overloads always throw: its parameters include weight_hr (documented on IRecurrentCell).
        yield return new($"{name}.ImportPyTorch", random =>
        {
            var cell = Arrange(create, random);
            return new Scenario
            {
                Invoke = c => cell.ImportPyTorch(c.Span<T>("weightIh"), c.Span<T>("weightHh"), c.Span<T>("biasIh"), c.Span<T>("biasHh")),
                State = s => s.Add("parameters", cell.Parameters),
                AlwaysThrows = projected ? typeof(InvalidOperationException) : null,
            }.Span<T>("weightIh", _ => gH * I).Span<T>("weightHh", _ => gH * O).Span<T>("biasIh", _ => gH).Span<T>("biasHh", _ => gH);
        }, projected ? Reachable.RefusalsOnly : Reachable.Both);

        yield return new($"{name}.ExportPyTorch", random =>
        {
            var cell = Arrange(create, random);
            return new Scenario
            {
                Invoke = c => cell.ExportPyTorch(c.Span<T>("weightIh"), c.Span<T>("weightHh"), c.Span<T>("biasIh"), c.Span<T>("biasHh")),
                State = s => s.Add("parameters", cell.Parameters),
                AlwaysThrows = projected ? typeof(InvalidOperationException) : null,
            }.Span<T>("weightIh", _ => gH * I).Span<T>("weightHh", _ => gH * O).Span<T>("biasIh", _ => gH).Span<T>("biasHh", _ => gH);
        }, projected ? Reachable.RefusalsOnly : Reachable.Both);

        yield return new($"{name}.WeightIndex", random =>
        {
            var cell = Arrange(create, random);
            return new Scenario { Invoke = c => cell.WeightIndex(c.Count("row"), c.Count("column")) }
                .Count("row", 0, (int)gH - 1, (int)gH - 1).Count("column", 0, I + O - 1, I + O - 1);
        });

        yield return new($"{name}.BiasIhIndex", random =>
        {
            var cell = Arrange(create, random);
            return new Scenario { Invoke = c => cell.BiasIhIndex(c.Count("row")) }.Count("row", 0, (int)gH - 1, (int)gH - 1);
        });

        yield return new($"{name}.BiasHhIndex", random =>
        {
            var cell = Arrange(create, random);
            return new Scenario { Invoke = c => cell.BiasHhIndex(c.Count("row")) }.Count("row", 0, (int)gH - 1, (int)gH - 1);
        });

        yield return new($"{name}.InitializeParameters", random =>
        {
            var cell = Arrange(create, random);
            return new Scenario { Invoke = c => cell.InitializeParameters((ulong)c.Count("seed")), State = s => s.Add("parameters", cell.Parameters) }
                .Count("seed", int.MinValue, int.MaxValue, int.MaxValue - 1);
        }, Reachable.SuccessesOnly);

        // Valid sizes stay small here; sizes beyond an array are covered by the cells' own boundary tests.
        yield return new($"{name}.CreateTape", random =>
        {
            var cell = Arrange(create, random);
            return new Scenario { Invoke = c => cell.CreateTape(c.Count("maxSteps"), c.Count("maxBatch")) }
                .Count("maxSteps", 1, int.MaxValue, 8).Count("maxBatch", 1, int.MaxValue, 8);
        });
    }

    private static IEnumerable<EntryPoint> Projected<T>(string name, Func<IProjectedLstmCell<T>> create)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var probe = create();
        long I = probe.InputSize, H = probe.HiddenSize, R = probe.ProjectionSize;

        yield return new($"{name}.ImportPyTorch(weightHr)", random =>
        {
            var cell = Arrange(create, random);
            return new Scenario
            {
                Invoke = c => cell.ImportPyTorch(c.Span<T>("weightIh"), c.Span<T>("weightHh"), c.Span<T>("biasIh"), c.Span<T>("biasHh"), c.Span<T>("weightHr")),
                State = s => s.Add("parameters", cell.Parameters),
            }.Span<T>("weightIh", _ => 4 * H * I).Span<T>("weightHh", _ => 4 * H * R).Span<T>("biasIh", _ => 4 * H).Span<T>("biasHh", _ => 4 * H).Span<T>("weightHr", _ => R * H);
        });

        yield return new($"{name}.ExportPyTorch(weightHr)", random =>
        {
            var cell = Arrange(create, random);
            return new Scenario
            {
                Invoke = c => cell.ExportPyTorch(c.Span<T>("weightIh"), c.Span<T>("weightHh"), c.Span<T>("biasIh"), c.Span<T>("biasHh"), c.Span<T>("weightHr")),
                State = s => s.Add("parameters", cell.Parameters),
            }.Span<T>("weightIh", _ => 4 * H * I).Span<T>("weightHh", _ => 4 * H * R).Span<T>("biasIh", _ => 4 * H).Span<T>("biasHh", _ => 4 * H).Span<T>("weightHr", _ => R * H);
        });

        yield return new($"{name}.ProjectionWeightIndex", random =>
        {
            var cell = Arrange(create, random);
            return new Scenario { Invoke = c => cell.ProjectionWeightIndex(c.Count("row"), c.Count("column")) }
                .Count("row", 0, (int)R - 1, (int)R - 1).Count("column", 0, (int)H - 1, (int)H - 1);
        });
    }

    /// <summary>Forward, Backward, import/export by name and tapes of a layered LSTM network.</summary>
    public static IEnumerable<EntryPoint> LstmNetwork<T>(string name, Func<ILstmNetwork<T>> create, Func<int, int, Tape<T>> foreignTape)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var probe = create();
        int I = probe.InputSize, H = probe.HiddenSize, S = probe.StateSize, O = probe.OutputSize, LD = probe.Layers * probe.Directions, P = probe.ParameterCount;

        yield return new($"{name}.Forward", random =>
        {
            var network = Arrange(create, random);
            var (own, foreign) = Tapes(random, (s, b) => network.CreateTape(s, b), foreignTape, record: (tape, s, b) => RecordLstmNetwork(network, tape, s, b, random));
            return new Scenario
            {
                Invoke = c => network.Forward(c.Count("steps"), c.Count("batch"), c.Span<T>("inputs"), c.Span<T>("hidden"), c.Span<T>("cell"), c.Span<T>("outputs"), c.Choice<Tape<T>>("tape")),
                State = s => NetworkState(s, network, own, "tape").Tape("foreign", foreign),
            }
                .Count("steps", 1, MaxSteps, MaxSteps).Count("batch", 1, MaxBatch, MaxBatch)
                .Span<T>("inputs", d => (long)d.Count("steps") * d.Count("batch") * I).Span<T>("hidden", d => (long)LD * d.Count("batch") * S)
                .Span<T>("cell", d => (long)LD * d.Count("batch") * H).Span<T>("outputs", d => (long)d.Count("steps") * d.Count("batch") * O)
                .Choice("tape", new Option("own tape", own), new Option("foreign tape", foreign, Validity.Wrong), new Option("null", null, Validity.Wrong));
        });

        yield return new($"{name}.Backward", random =>
        {
            var network = Arrange(create, random);
            var (own, foreign) = Tapes(random, (s, b) => network.CreateTape(s, b), foreignTape, record: null);
            var (steps, batch) = RecordLstmNetwork(network, own, random.Next(1, MaxSteps + 1), random.Next(1, MaxBatch + 1), random);
            var unrecorded = network.CreateTape(MaxSteps, MaxBatch);
            var scenario = new Scenario
            {
                Invoke = c => network.Backward(
                    c.Choice<Tape<T>>("tape"), c.Span<T>("outputGradients"), c.Span<T>("finalHiddenGradient"), c.Span<T>("finalCellGradient"),
                    c.Span<T>("inputGradients"), c.Span<T>("initialHiddenGradient"), c.Span<T>("initialCellGradient"), c.Span<T>("parameterGradients")),
                State = s => NetworkState(s, network, own, "tape").Tape("unrecorded", unrecorded).Tape("foreign", foreign),
            };
            scenario.Fixed["steps"] = steps;
            scenario.Fixed["batch"] = batch;
            return scenario
                .Choice("tape", new Option("recorded tape", own), new Option("unrecorded tape", unrecorded, Validity.Wrong), new Option("foreign tape", foreign, Validity.Wrong), new Option("null", null, Validity.Wrong))
                .Span<T>("outputGradients", d => (long)d.Count("steps") * d.Count("batch") * O).Span<T>("finalHiddenGradient", d => (long)LD * d.Count("batch") * S)
                .Span<T>("finalCellGradient", d => (long)LD * d.Count("batch") * H).Span<T>("inputGradients", d => (long)d.Count("steps") * d.Count("batch") * I)
                .Span<T>("initialHiddenGradient", d => (long)LD * d.Count("batch") * S).Span<T>("initialCellGradient", d => (long)LD * d.Count("batch") * H)
                .Span<T>("parameterGradients", _ => P);
        });

        foreach (var entry in NetworkCommon<T>(name, () => create()))
        {
            yield return entry;
        }
    }

    /// <summary>The same for a layered GRU or RNN network.</summary>
    public static IEnumerable<EntryPoint> HiddenStateNetwork<T>(string name, Func<IHiddenStateNetwork<T>> create, Func<int, int, Tape<T>> foreignTape)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var probe = create();
        int I = probe.InputSize, S = probe.StateSize, O = probe.OutputSize, LD = probe.Layers * probe.Directions, P = probe.ParameterCount;

        yield return new($"{name}.Forward", random =>
        {
            var network = Arrange(create, random);
            var (own, foreign) = Tapes(random, (s, b) => network.CreateTape(s, b), foreignTape, record: (tape, s, b) => RecordHiddenNetwork(network, tape, s, b, random));
            return new Scenario
            {
                Invoke = c => network.Forward(c.Count("steps"), c.Count("batch"), c.Span<T>("inputs"), c.Span<T>("hidden"), c.Span<T>("outputs"), c.Choice<Tape<T>>("tape")),
                State = s => NetworkState(s, network, own, "tape").Tape("foreign", foreign),
            }
                .Count("steps", 1, MaxSteps, MaxSteps).Count("batch", 1, MaxBatch, MaxBatch)
                .Span<T>("inputs", d => (long)d.Count("steps") * d.Count("batch") * I).Span<T>("hidden", d => (long)LD * d.Count("batch") * S)
                .Span<T>("outputs", d => (long)d.Count("steps") * d.Count("batch") * O)
                .Choice("tape", new Option("own tape", own), new Option("foreign tape", foreign, Validity.Wrong), new Option("null", null, Validity.Wrong));
        });

        yield return new($"{name}.Backward", random =>
        {
            var network = Arrange(create, random);
            var (own, foreign) = Tapes(random, (s, b) => network.CreateTape(s, b), foreignTape, record: null);
            var (steps, batch) = RecordHiddenNetwork(network, own, random.Next(1, MaxSteps + 1), random.Next(1, MaxBatch + 1), random);
            var unrecorded = network.CreateTape(MaxSteps, MaxBatch);
            var scenario = new Scenario
            {
                Invoke = c => network.Backward(c.Choice<Tape<T>>("tape"), c.Span<T>("outputGradients"), c.Span<T>("finalHiddenGradient"), c.Span<T>("inputGradients"), c.Span<T>("initialHiddenGradient"), c.Span<T>("parameterGradients")),
                State = s => NetworkState(s, network, own, "tape").Tape("unrecorded", unrecorded).Tape("foreign", foreign),
            };
            scenario.Fixed["steps"] = steps;
            scenario.Fixed["batch"] = batch;
            return scenario
                .Choice("tape", new Option("recorded tape", own), new Option("unrecorded tape", unrecorded, Validity.Wrong), new Option("foreign tape", foreign, Validity.Wrong), new Option("null", null, Validity.Wrong))
                .Span<T>("outputGradients", d => (long)d.Count("steps") * d.Count("batch") * O).Span<T>("finalHiddenGradient", d => (long)LD * d.Count("batch") * S)
                .Span<T>("inputGradients", d => (long)d.Count("steps") * d.Count("batch") * I).Span<T>("initialHiddenGradient", d => (long)LD * d.Count("batch") * S)
                .Span<T>("parameterGradients", _ => P);
        });

        foreach (var entry in NetworkCommon<T>(name, () => create()))
        {
            yield return entry;
        }
    }

    private static IEnumerable<EntryPoint> NetworkCommon<T>(string name, Func<IRecurrentNetwork<T>> create)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var probe = create();
        var names = NameOptions(probe.PyTorchParameterNames);

        yield return new($"{name}.ImportPyTorch(name)", random =>
        {
            var network = Arrange(create, random);
            return new Scenario { Invoke = c => network.ImportPyTorch(c.Choice<string>("name"), c.Span<T>("tensor")), State = s => s.Add("parameters", network.Parameters) }
                .Choice("name", names).Span<T>("tensor", d => TensorLength(d, probe.PyTorchParameterLength));
        });

        yield return new($"{name}.ExportPyTorch(name)", random =>
        {
            var network = Arrange(create, random);
            return new Scenario { Invoke = c => network.ExportPyTorch(c.Choice<string>("name"), c.Span<T>("tensor")), State = s => s.Add("parameters", network.Parameters) }
                .Choice("name", names).Span<T>("tensor", d => TensorLength(d, probe.PyTorchParameterLength));
        });

        yield return new($"{name}.PyTorchParameterLength", random =>
        {
            var network = Arrange(create, random);
            return new Scenario { Invoke = c => network.PyTorchParameterLength(c.Choice<string>("name")) }.Choice("name", names);
        });

        yield return new($"{name}.CreateTape", random =>
        {
            var network = Arrange(create, random);
            return new Scenario { Invoke = c => network.CreateTape(c.Count("maxSteps"), c.Count("maxBatch")) }
                .Count("maxSteps", 1, int.MaxValue, 8).Count("maxBatch", 1, int.MaxValue, 8);
        });
    }

    /// <summary>Every valid tensor name, plus an unknown one, a near miss in case, an empty one and null.</summary>
    internal static Option[] NameOptions(IReadOnlyList<string> names) =>
        names.Select(static n => new Option(n, n))
            .Concat(names.Take(1).Select(static n => new Option("upper-case name", n.ToUpperInvariant(), Validity.Wrong)))
            .Append(new Option("unknown name", "no_such_tensor", Validity.Wrong))
            .Append(new Option("empty name", string.Empty, Validity.Wrong))
            .Append(new Option("null name", null, Validity.Wrong))
            .ToArray();

    /// <summary>The expected length of the named tensor; undefined when the name itself is wrong.</summary>
    internal static long TensorLength(Draw draw, Func<string, int> length)
    {
        var option = draw.Choice("name");
        return option.Validity == Validity.Valid ? length((string)option.Value!) : throw new UndefinedSizeException("name");
    }

    /// <summary>A fresh cell with random parameters (sometimes NaN or infinite ones: they must not make a check fail).</summary>
    internal static TCell Arrange<TCell>(Func<TCell> create, Random random)
        where TCell : class
    {
        var cell = create();
        switch (cell)
        {
            case IParameterized<float> f:
                Values.Fill<float>(random, f.ParameterCount).CopyTo(f.Parameters);
                break;
            case IParameterized<double> d:
                Values.Fill<double>(random, d.ParameterCount).CopyTo(d.Parameters);
                break;
        }

        return cell;
    }

    /// <summary>The own tape and a foreign one of the same maxima; the own one holds a recorded pass half the time.</summary>
    private static (Tape<T> Own, Tape<T> Foreign) Tapes<T>(Random random, Func<int, int, Tape<T>> create, Func<int, int, Tape<T>> foreign, Action<Tape<T>, int, int>? record)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var own = create(MaxSteps, MaxBatch);
        if (record is not null && random.Next(2) == 0)
        {
            record(own, random.Next(1, MaxSteps + 1), random.Next(1, MaxBatch + 1));
        }

        return (own, foreign(MaxSteps, MaxBatch));
    }

    /// <summary>Splits the StepBatch scenario's batch off a span: the callee reads it from that span's length.</summary>
    private static Scenario BatchFrom(Scenario scenario, Random random, string span, int perSample)
    {
        scenario.Fixed["batch"] = random.Next(1, MaxBatch + 1);
        scenario.Derived["batch"] = d => d.Length(span) > 0 && d.Length(span) % perSample == 0 ? d.Length(span) / perSample : null;
        return scenario;
    }

    private static (int Steps, int Batch) RecordLstm<T>(ILstmCell<T> cell, Tape<T> tape, int steps, int batch, Random random)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int I = cell.InputSize, H = cell.HiddenSize, O = cell.OutputSize;
        cell.Forward(steps, batch, Values.Fill<T>(random, steps * batch * I), new T[batch * O], new T[batch * H], new T[steps * batch * O], tape);
        return (steps, batch);
    }

    private static (int Steps, int Batch) RecordHidden<T>(IHiddenStateCell<T> cell, Tape<T> tape, int steps, int batch, Random random)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int I = cell.InputSize, H = cell.HiddenSize;
        cell.Forward(steps, batch, Values.Fill<T>(random, steps * batch * I), new T[batch * H], new T[steps * batch * H], tape);
        return (steps, batch);
    }

    private static (int Steps, int Batch) RecordLstmNetwork<T>(ILstmNetwork<T> network, Tape<T> tape, int steps, int batch, Random random)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int LD = network.Layers * network.Directions;
        network.Forward(steps, batch, Values.Fill<T>(random, steps * batch * network.InputSize), new T[LD * batch * network.StateSize], new T[LD * batch * network.HiddenSize], new T[steps * batch * network.OutputSize], tape);
        return (steps, batch);
    }

    private static (int Steps, int Batch) RecordHiddenNetwork<T>(IHiddenStateNetwork<T> network, Tape<T> tape, int steps, int batch, Random random)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int LD = network.Layers * network.Directions;
        network.Forward(steps, batch, Values.Fill<T>(random, steps * batch * network.InputSize), new T[LD * batch * network.StateSize], new T[steps * batch * network.OutputSize], tape);
        return (steps, batch);
    }

    /// <summary>A network's parameters and its tape, including every layer cell's part of the tape.</summary>
    private static StateRecorder NetworkState<T>(StateRecorder state, IRecurrentNetwork<T> network, Tape<T> tape, string label)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        state.Add("parameters", network.Parameters).Tape(label, tape);
        for (var part = 0; part < network.Layers * network.Directions; part++)
        {
            state.Tape($"{label}.part{part}", tape.Part(part));
        }

        return state;
    }
}

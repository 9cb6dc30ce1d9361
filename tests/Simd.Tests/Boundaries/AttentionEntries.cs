using System;
using System.Collections.Generic;
using System.Numerics;
using static Simd.Tests.Boundaries.RecurrentEntries;

namespace Simd.Tests.Boundaries;

/// <summary>The public entry points of generated attention cells, as boundary-test entries.</summary>
internal static class AttentionEntries
{
    // Workspaces and caches are made for up to MaxKeys tokens × MaxBatch samples; foreign ones have the same maxima.
    private const int MaxKeys = 4;
    private const int MaxBatch = 3;

    /// <summary>Prepare, Step, StepBackward, PrepareBackward and the parameter entry points of a single-head cell.</summary>
    public static IEnumerable<EntryPoint> SingleHead<T>(string name, Func<ISingleHeadAttention<T>> create, Func<int, int, AttentionWorkspace<T>> foreignWorkspace)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var probe = create();
        int Q = probe.QuerySize, K = probe.KeySize, V = probe.ValueSize, P = probe.ParameterCount;

        yield return new($"{name}.Prepare", random =>
        {
            var cell = Arrange(create, random);
            var own = cell.CreateWorkspace(MaxKeys, MaxBatch);
            if (random.Next(2) == 0)
            {
                Prepare(cell, own, random);
            }

            var foreign = foreignWorkspace(MaxKeys, MaxBatch);
            return new Scenario
            {
                Invoke = c => cell.Prepare(c.Count("keyCount"), c.Count("batch"), c.Span<T>("keys"), c.Span<T>("values"), c.Ints("lengths"), c.Choice<AttentionWorkspace<T>>("workspace")),
                State = s => s.Add("parameters", cell.Parameters).Workspace("workspace", own).Workspace("foreign", foreign),
            }
                .Count("keyCount", 1, MaxKeys, MaxKeys).Count("batch", 1, MaxBatch, MaxBatch)
                .Span<T>("keys", d => (long)d.Count("batch") * d.Count("keyCount") * K).Span<T>("values", d => (long)d.Count("batch") * d.Count("keyCount") * V)
                .Ints("lengths", d => d.Count("batch"), static (d, v) => v >= 0 && v <= d.Count("keyCount"), static (r, d) => r.Next(d.Count("keyCount") + 1), emptyAllowed: true)
                .Choice("workspace", new Option("own workspace", own), new Option("foreign workspace", foreign, Validity.Wrong), new Option("null", null, Validity.Wrong));
        });

        yield return new($"{name}.Step", random =>
        {
            var (cell, scenario, prepared) = PreparedScenario(create, foreignWorkspace, random);
            scenario.Invoke = c => cell.Step(c.Span<T>("queries"), c.Choice<AttentionWorkspace<T>>("workspace"), c.Span<T>("context"), c.Span<T>("weights"));
            return scenario.Span<T>("queries", d => (long)d.Count("batch") * Q).Span<T>("context", d => (long)d.Count("batch") * V)
                .Span<T>("weights", d => (long)d.Count("batch") * d.Count("keyCount"), emptyAllowed: true);
        });

        yield return new($"{name}.StepBackward", random =>
        {
            var (cell, scenario, _) = PreparedScenario(create, foreignWorkspace, random);
            scenario.Invoke = c => cell.StepBackward(c.Span<T>("queries"), c.Choice<AttentionWorkspace<T>>("workspace"), c.Span<T>("contextGradient"), c.Span<T>("queryGradient"), c.Span<T>("parameterGradients"));
            return scenario.Span<T>("queries", d => (long)d.Count("batch") * Q).Span<T>("contextGradient", d => (long)d.Count("batch") * V)
                .Span<T>("queryGradient", d => (long)d.Count("batch") * Q).Span<T>("parameterGradients", _ => P);
        });

        yield return new($"{name}.PrepareBackward", random =>
        {
            var (cell, scenario, _) = PreparedScenario(create, foreignWorkspace, random);
            scenario.Invoke = c => cell.PrepareBackward(c.Choice<AttentionWorkspace<T>>("workspace"), c.Span<T>("keyGradient"), c.Span<T>("valueGradient"), c.Span<T>("parameterGradients"));
            return scenario.Span<T>("keyGradient", d => (long)d.Count("batch") * d.Count("keyCount") * K)
                .Span<T>("valueGradient", d => (long)d.Count("batch") * d.Count("keyCount") * V).Span<T>("parameterGradients", _ => P);
        });

        yield return new($"{name}.CreateWorkspace", random =>
        {
            var cell = Arrange(create, random);
            return new Scenario { Invoke = c => cell.CreateWorkspace(c.Count("maxKeys"), c.Count("maxBatch")) }
                .Count("maxKeys", 1, int.MaxValue, 8).Count("maxBatch", 1, int.MaxValue, 8);
        });

        foreach (var entry in Parameters<T>(name, () => create()))
        {
            yield return entry;
        }
    }

    /// <summary>Forward, Backward, DecodeStep, caches and the parameter entry points of a multi-head cell.</summary>
    public static IEnumerable<EntryPoint> MultiHead<T>(string name, Func<IMultiHeadAttention<T>> create, Func<IMultiHeadAttention<T>> foreignCell)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var probe = create();
        int E = probe.ModelSize, H = probe.Heads, P = probe.ParameterCount;

        yield return new($"{name}.Forward", random =>
        {
            var cell = Arrange(create, random);
            var own = cell.CreateWorkspace(MaxKeys, MaxBatch);
            if (random.Next(2) == 0)
            {
                RecordForward(cell, own, random);
            }

            var foreign = foreignCell().CreateWorkspace(MaxKeys, MaxBatch);
            var scenario = new Scenario
            {
                Invoke = c => cell.Forward(
                    c.Count("queryCount"), c.Count("keyCount"), c.Count("batch"), c.Span<T>("query"), c.Span<T>("key"), c.Span<T>("value"), c.Ints("keyLengths"),
                    c.Choice<bool>("causal"), c.Span<T>("output"), c.Span<T>("weights"), c.Choice<AttentionWorkspace<T>>("workspace")),
                State = s => s.Add("parameters", cell.Parameters).Workspace("workspace", own).Workspace("foreign", foreign),

                // A causal mask needs as many queries as keys.
                Rules = d => (bool)d.Choice("causal").Value! && d.Count("queryCount") != d.Count("keyCount") ? ["causal"] : [],
            };
            return scenario
                .Count("queryCount", 1, MaxKeys, MaxKeys).Count("keyCount", 1, MaxKeys, MaxKeys).Count("batch", 1, MaxBatch, MaxBatch)
                .Span<T>("query", d => (long)d.Count("batch") * d.Count("queryCount") * E).Span<T>("key", d => (long)d.Count("batch") * d.Count("keyCount") * E)
                .Span<T>("value", d => (long)d.Count("batch") * d.Count("keyCount") * E)
                .Ints("keyLengths", d => d.Count("batch"), static (d, v) => v >= 0 && v <= d.Count("keyCount"), static (r, d) => r.Next(d.Count("keyCount") + 1), emptyAllowed: true)
                .Choice("causal", new Option("not causal", false), new Option("causal", true))
                .Span<T>("output", d => (long)d.Count("batch") * d.Count("queryCount") * E)
                .Span<T>("weights", d => (long)d.Count("batch") * H * d.Count("queryCount") * d.Count("keyCount"), emptyAllowed: true)
                .Choice("workspace", new Option("own workspace", own), new Option("foreign workspace", foreign, Validity.Wrong), new Option("null", null, Validity.Wrong));
        });

        yield return new($"{name}.Backward", random =>
        {
            var cell = Arrange(create, random);
            var recorded = cell.CreateWorkspace(MaxKeys, MaxBatch);
            var (queries, keys, batch) = RecordForward(cell, recorded, random);
            var unrecorded = cell.CreateWorkspace(MaxKeys, MaxBatch);
            var foreign = foreignCell().CreateWorkspace(MaxKeys, MaxBatch);
            var scenario = new Scenario
            {
                Invoke = c => cell.Backward(c.Choice<AttentionWorkspace<T>>("workspace"), c.Span<T>("outputGradient"), c.Span<T>("queryGradient"), c.Span<T>("keyGradient"), c.Span<T>("valueGradient"), c.Span<T>("parameterGradients")),
                State = s => s.Add("parameters", cell.Parameters).Workspace("workspace", recorded).Workspace("unrecorded", unrecorded).Workspace("foreign", foreign),
            };
            scenario.Fixed["queryCount"] = queries;
            scenario.Fixed["keyCount"] = keys;
            scenario.Fixed["batch"] = batch;
            return scenario
                .Choice("workspace", new Option("recorded workspace", recorded), new Option("unrecorded workspace", unrecorded, Validity.WrongState), new Option("foreign workspace", foreign, Validity.Wrong), new Option("null", null, Validity.Wrong))
                .Span<T>("outputGradient", d => (long)d.Count("batch") * d.Count("queryCount") * E).Span<T>("queryGradient", d => (long)d.Count("batch") * d.Count("queryCount") * E)
                .Span<T>("keyGradient", d => (long)d.Count("batch") * d.Count("keyCount") * E).Span<T>("valueGradient", d => (long)d.Count("batch") * d.Count("keyCount") * E)
                .Span<T>("parameterGradients", _ => P);
        });

        yield return new($"{name}.DecodeStep", random =>
        {
            var cell = Arrange(create, random);
            var cache = cell.CreateCache(MaxKeys, MaxBatch);

            // Some tokens already decoded for a batch of streams; a full cache is the documented InvalidOperationException.
            var cached = random.Next(MaxKeys + 1);
            var streams = random.Next(1, MaxBatch + 1);
            for (var t = 0; t < cached; t++)
            {
                cell.DecodeStep(streams, Values.Fill<T>(random, streams * E), cache, new T[streams * E], default);
            }

            var foreign = foreignCell().CreateCache(MaxKeys, MaxBatch);
            var scenario = new Scenario
            {
                Invoke = c => cell.DecodeStep(c.Count("batch"), c.Span<T>("input"), c.Choice<KeyValueCache<T>>("cache"), c.Span<T>("output"), c.Span<T>("weights")),
                State = s => s.Add("parameters", cell.Parameters).Cache("cache", cache).Cache("foreign", foreign),
            };

            // The batch must stay that of the streams in the cache until it is cleared.
            return scenario
                .Choice("cache", new Option(cached == MaxKeys ? "full cache" : "own cache", cache, cached == MaxKeys ? Validity.WrongState : Validity.Valid), new Option("foreign cache", foreign, Validity.Wrong), new Option("null", null, Validity.Wrong))
                .Count("batch", cached == 0 ? 1 : streams, cached == 0 ? MaxBatch : streams, MaxBatch)
                .Span<T>("input", d => (long)d.Count("batch") * E).Span<T>("output", d => (long)d.Count("batch") * E)
                .Span<T>("weights", d => (long)d.Count("batch") * H * (cached + 1), emptyAllowed: true);
        });

        yield return new($"{name}.CreateWorkspace", random =>
        {
            var cell = Arrange(create, random);
            return new Scenario { Invoke = c => cell.CreateWorkspace(c.Count("maxTokens"), c.Count("maxBatch")) }
                .Count("maxTokens", 1, int.MaxValue, 8).Count("maxBatch", 1, int.MaxValue, 8);
        });

        yield return new($"{name}.CreateCache", random =>
        {
            var cell = Arrange(create, random);
            return new Scenario { Invoke = c => cell.CreateCache(c.Count("capacity"), c.Count("maxBatch")) }
                .Count("capacity", 1, int.MaxValue, 8).Count("maxBatch", 1, int.MaxValue, 8);
        });

        yield return new($"{name}.KeyValueCache.Truncate", random =>
        {
            var cell = Arrange(create, random);
            var cache = cell.CreateCache(MaxKeys, MaxBatch);
            var cached = random.Next(MaxKeys + 1);
            for (var t = 0; t < cached; t++)
            {
                cell.DecodeStep(1, Values.Fill<T>(random, E), cache, new T[E], default);
            }

            return new Scenario { Invoke = c => cache.Truncate(c.Count("count")), State = s => s.Cache("cache", cache) }.Count("count", 0, cached, cached);
        });

        foreach (var entry in Parameters<T>(name, () => create()))
        {
            yield return entry;
        }
    }

    /// <summary>Import, export and reading of named tensors, and initialisation: every attention cell's parameter API.</summary>
    private static IEnumerable<EntryPoint> Parameters<T>(string name, Func<IAttentionCell<T>> create)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var probe = create();
        var names = NameOptions(probe.ParameterNames);

        // A cell without parameters (the dot score) has no tensor to name: every named call is refused.
        var reachable = probe.ParameterNames.Count == 0 ? Reachable.RefusalsOnly : Reachable.Both;

        yield return new($"{name}.ImportParameter", random =>
        {
            var cell = Arrange(create, random);
            return new Scenario { Invoke = c => cell.ImportParameter(c.Choice<string>("name"), c.Span<T>("tensor")), State = s => s.Add("parameters", cell.Parameters) }
                .Choice("name", names).Span<T>("tensor", d => TensorLength(d, probe.ParameterLength));
        }, reachable);

        yield return new($"{name}.ExportParameter", random =>
        {
            var cell = Arrange(create, random);
            return new Scenario { Invoke = c => cell.ExportParameter(c.Choice<string>("name"), c.Span<T>("tensor")), State = s => s.Add("parameters", cell.Parameters) }
                .Choice("name", names).Span<T>("tensor", d => TensorLength(d, probe.ParameterLength));
        }, reachable);

        yield return new($"{name}.ReadTensor", random =>
        {
            var cell = Arrange(create, random);
            return new Scenario { Invoke = c => cell.ReadTensor(c.Span<T>("source"), c.Choice<string>("name"), c.Span<T>("tensor")), State = s => s.Add("parameters", cell.Parameters) }
                .Span<T>("source", _ => probe.ParameterCount).Choice("name", names).Span<T>("tensor", d => TensorLength(d, probe.ParameterLength));
        }, reachable);

        yield return new($"{name}.ParameterLength", random =>
        {
            var cell = Arrange(create, random);
            return new Scenario { Invoke = c => cell.ParameterLength(c.Choice<string>("name")) }.Choice("name", names);
        }, reachable);

        yield return new($"{name}.ParameterOffset", random =>
        {
            var cell = Arrange(create, random);
            return new Scenario { Invoke = c => cell.ParameterOffset(c.Choice<string>("name")) }.Choice("name", names);
        }, reachable);

        yield return new($"{name}.InitializeParameters", random =>
        {
            var cell = Arrange(create, random);
            return new Scenario { Invoke = c => cell.InitializeParameters((ulong)c.Count("seed")), State = s => s.Add("parameters", cell.Parameters) }
                .Count("seed", int.MinValue, int.MaxValue, int.MaxValue - 1);
        }, Reachable.SuccessesOnly);
    }

    /// <summary>A single-head scenario over a prepared workspace, an unprepared one, a foreign one and null.</summary>
    private static (ISingleHeadAttention<T> Cell, Scenario Scenario, AttentionWorkspace<T> Prepared) PreparedScenario<T>(Func<ISingleHeadAttention<T>> create, Func<int, int, AttentionWorkspace<T>> foreignWorkspace, Random random)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var cell = Arrange(create, random);
        var prepared = cell.CreateWorkspace(MaxKeys, MaxBatch);
        var (keys, batch) = Prepare(cell, prepared, random);
        var unprepared = cell.CreateWorkspace(MaxKeys, MaxBatch);
        var foreign = foreignWorkspace(MaxKeys, MaxBatch);
        var scenario = new Scenario { State = s => s.Add("parameters", cell.Parameters).Workspace("workspace", prepared).Workspace("unprepared", unprepared).Workspace("foreign", foreign) };
        scenario.Fixed["keyCount"] = keys;
        scenario.Fixed["batch"] = batch;
        scenario.Choice("workspace", new Option("prepared workspace", prepared), new Option("unprepared workspace", unprepared, Validity.WrongState), new Option("foreign workspace", foreign, Validity.Wrong), new Option("null", null, Validity.Wrong));
        return (cell, scenario, prepared);
    }

    private static (int Keys, int Batch) Prepare<T>(ISingleHeadAttention<T> cell, AttentionWorkspace<T> workspace, Random random)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int keys = random.Next(1, MaxKeys + 1), batch = random.Next(1, MaxBatch + 1);
        var lengths = new int[batch];
        for (var b = 0; b < batch; b++)
        {
            lengths[b] = random.Next(keys + 1);
        }

        cell.Prepare(keys, batch, Values.Fill<T>(random, batch * keys * cell.KeySize), Values.Fill<T>(random, batch * keys * cell.ValueSize), lengths, workspace);
        return (keys, batch);
    }

    private static (int Queries, int Keys, int Batch) RecordForward<T>(IMultiHeadAttention<T> cell, AttentionWorkspace<T> workspace, Random random)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int queries = random.Next(1, MaxKeys + 1), keys = random.Next(1, MaxKeys + 1), batch = random.Next(1, MaxBatch + 1), E = cell.ModelSize;
        cell.Forward(
            queries, keys, batch, Values.Fill<T>(random, batch * queries * E), Values.Fill<T>(random, batch * keys * E), Values.Fill<T>(random, batch * keys * E),
            ReadOnlySpan<int>.Empty, queries == keys && random.Next(2) == 0, new T[batch * queries * E], default, workspace);
        return (queries, keys, batch);
    }
}

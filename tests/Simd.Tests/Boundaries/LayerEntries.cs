using System;
using System.Collections.Generic;
using System.Numerics;
using Simd.Training;
using static Simd.Tests.Boundaries.RecurrentEntries;

namespace Simd.Tests.Boundaries;

/// <summary>The public entry points of generated dense and embedding layers and of the losses, as boundary-test entries.</summary>
internal static class LayerEntries
{
    private const int MaxBatch = 4;

    public static IEnumerable<EntryPoint> Dense<T>(string name, Func<IDenseLayer<T>> create)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var probe = create();
        int I = probe.InputSize, O = probe.OutputSize, P = probe.ParameterCount;

        yield return new($"{name}.Forward", random =>
        {
            var layer = Arrange(create, random);
            return new Scenario { Invoke = c => layer.Forward(c.Count("batch"), c.Span<T>("inputs"), c.Span<T>("outputs")), State = s => s.Add("parameters", layer.Parameters) }
                .Count("batch", 1, int.MaxValue, MaxBatch).Span<T>("inputs", d => (long)d.Count("batch") * I).Span<T>("outputs", d => (long)d.Count("batch") * O);
        });

        yield return new($"{name}.Backward", random =>
        {
            var layer = Arrange(create, random);
            return new Scenario
            {
                Invoke = c => layer.Backward(c.Count("batch"), c.Span<T>("inputs"), c.Span<T>("outputs"), c.Span<T>("outputGradients"), c.Span<T>("inputGradients"), c.Span<T>("parameterGradients")),
                State = s => s.Add("parameters", layer.Parameters),
            }
                .Count("batch", 1, int.MaxValue, MaxBatch).Span<T>("inputs", d => (long)d.Count("batch") * I).Span<T>("outputs", d => (long)d.Count("batch") * O)
                .Span<T>("outputGradients", d => (long)d.Count("batch") * O).Span<T>("inputGradients", d => (long)d.Count("batch") * I, emptyAllowed: true)
                .Span<T>("parameterGradients", _ => P);
        });

        int Length(string tensor) => tensor == "weight" ? I * O : O;
        foreach (var entry in NamedTensors<IDenseLayer<T>, T>(name, create, probe.PyTorchParameterNames, Length, (l, n, t) => l.ImportPyTorch(n, t), (l, n, t) => l.ExportPyTorch(n, t), (l, seed) => l.InitializeParameters(seed)))
        {
            yield return entry;
        }
    }

    public static IEnumerable<EntryPoint> Embedding<T>(string name, Func<IEmbeddingLayer<T>> create)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var probe = create();
        int V = probe.VocabularySize, D = probe.Dimension, P = probe.ParameterCount;

        yield return new($"{name}.Forward", random =>
        {
            var layer = Arrange(create, random);
            return Rows(new Scenario { Invoke = c => layer.Forward(c.Ints("tokens"), c.Span<T>("outputs")), State = s => s.Add("parameters", layer.Parameters) }, random, "tokens")
                .Ints("tokens", d => d.Count("rows"), (_, v) => v >= 0 && v < V, (r, _) => r.Next(V)).Span<T>("outputs", d => (long)d.Count("rows") * D);
        });

        yield return new($"{name}.Backward", random =>
        {
            var layer = Arrange(create, random);
            return Rows(new Scenario { Invoke = c => layer.Backward(c.Ints("tokens"), c.Span<T>("outputGradients"), c.Span<T>("parameterGradients")), State = s => s.Add("parameters", layer.Parameters) }, random, "tokens")
                .Ints("tokens", d => d.Count("rows"), (_, v) => v >= 0 && v < V, (r, _) => r.Next(V)).Span<T>("outputGradients", d => (long)d.Count("rows") * D)
                .Span<T>("parameterGradients", _ => P);
        });

        foreach (var entry in NamedTensors<IEmbeddingLayer<T>, T>(name, create, probe.PyTorchParameterNames, _ => P, (l, n, t) => l.ImportPyTorch(n, t), (l, n, t) => l.ExportPyTorch(n, t), (l, seed) => l.InitializeParameters(seed)))
        {
            yield return entry;
        }
    }

    public static IEnumerable<EntryPoint> Losses<T>(string suffix)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        yield return new($"Loss.SoftmaxCrossEntropy<{suffix}>", random =>
        {
            var scenario = new Scenario { Invoke = c => Loss.SoftmaxCrossEntropy(c.Span<T>("logits"), c.Count("classes"), c.Ints("targets"), c.Span<T>("logitGradients"), c.Choice<int>("ignoreIndex")) };
            return Rows(scenario, random, "targets")
                .Count("classes", 1, int.MaxValue, 6)
                .Choice("ignoreIndex", new Option("-100", -100), new Option("-1", -1), new Option("0", 0), new Option("int.MaxValue", int.MaxValue))
                .Span<T>("logits", d => (long)d.Count("rows") * d.Count("classes"))

                // A target is a class or the ignore index; the drawn ones are sometimes the ignore index.
                .Ints("targets", d => d.Count("rows"), static (d, v) => v == (int)d.Choice("ignoreIndex").Value! || (v >= 0 && v < d.Count("classes")), static (r, d) => r.Next(5) == 0 ? (int)d.Choice("ignoreIndex").Value! : r.Next(d.Count("classes")))
                .Span<T>("logitGradients", d => (long)d.Count("rows") * d.Count("classes"));
        });

        yield return new($"Loss.MeanSquaredError<{suffix}>", random =>
        {
            var scenario = new Scenario { Invoke = c => Loss.MeanSquaredError(c.Span<T>("predictions"), c.Span<T>("targets"), c.Span<T>("predictionGradients")) };
            scenario.Fixed["n"] = random.Next(0, 40);
            scenario.Derived["n"] = d => d.Length("predictions");
            return scenario.Span<T>("predictions", d => d.Count("n")).Span<T>("targets", d => d.Count("n")).Span<T>("predictionGradients", d => d.Count("n"));
        });
    }

    /// <summary>Import and export by PyTorch name, and initialisation, of a layer.</summary>
    private static IEnumerable<EntryPoint> NamedTensors<TLayer, T>(string name, Func<TLayer> create, IReadOnlyList<string> tensorNames, Func<string, int> length, Action<TLayer, string, T[]> import, Action<TLayer, string, T[]> export, Action<TLayer, ulong> initialize)
        where TLayer : class, IParameterized<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var names = NameOptions(tensorNames);
        yield return new($"{name}.ImportPyTorch", random =>
        {
            var layer = Arrange(create, random);
            return new Scenario { Invoke = c => import(layer, c.Choice<string>("name"), c.Span<T>("tensor")), State = s => s.Add("parameters", layer.Parameters) }
                .Choice("name", names).Span<T>("tensor", d => TensorLength(d, length));
        });

        yield return new($"{name}.ExportPyTorch", random =>
        {
            var layer = Arrange(create, random);
            return new Scenario { Invoke = c => export(layer, c.Choice<string>("name"), c.Span<T>("tensor")), State = s => s.Add("parameters", layer.Parameters) }
                .Choice("name", names).Span<T>("tensor", d => TensorLength(d, length));
        });

        yield return new($"{name}.InitializeParameters", random =>
        {
            var layer = Arrange(create, random);
            return new Scenario { Invoke = c => initialize(layer, (ulong)c.Count("seed")), State = s => s.Add("parameters", layer.Parameters) }
                .Count("seed", int.MinValue, int.MaxValue, int.MaxValue - 1);
        }, Reachable.SuccessesOnly);
    }

    /// <summary>Rows the callee reads off the length of a token or target span: any length is valid (0 included).</summary>
    private static Scenario Rows(Scenario scenario, Random random, string span)
    {
        scenario.Fixed["rows"] = random.Next(0, 6);
        scenario.Derived["rows"] = d => d.Length(span);
        return scenario;
    }
}

using System;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using Simd.Interop;
using Xunit;

namespace Simd.Tests.Interop;

/// <summary>
/// ONNX import against ONNX Runtime: random ONNX LSTM, GRU (both linear_before_reset values) and RNN (tanh and relu)
/// stacks, single- and multi-layer, unidirectional and bidirectional, with weights in ONNX's gate order; Simd loads
/// them with <see cref="OnnxImport"/> from the serialized file and must produce ONNX Runtime's outputs.
/// </summary>
/// <remarks>
/// Tolerance: |Simd − ONNX Runtime| ≤ 1e-5 · max(1, |ONNX Runtime|). Both run in float over at most 6 steps and 3
/// layers; each pre-activation is a sum of ≤ 80 products of magnitude ≤ 0.6, whose float rounding (different
/// summation orders, FMA or not) is about 1e-6, and the activations' approximation errors are below 3e-7. A gate in
/// the wrong place, a transposed matrix or a missing bias changes outputs by 1e-2 or more.
/// </remarks>
public sealed class OnnxImportTests
{
    private const double Tolerance = 1e-5;

    /// <summary>(op, target, layers, directions, ONNX linear_before_reset, relu).</summary>
    private static readonly (string Op, Func<object> Target, int Layers, int Directions, bool LinearBeforeReset, bool Relu)[] Targets =
    {
        ("LSTM", () => new Lstm3x5(), 1, 1, true, false),
        ("LSTM", () => new Lstm9x42(), 1, 1, true, false),
        ("LSTM", () => new LstmNet3x5L2(), 2, 1, true, false),
        ("LSTM", () => new LstmNet7x13Bi(), 1, 2, true, false),
        ("LSTM", () => new LstmNet5x11L2Bi(), 2, 2, true, false),
        ("LSTM", () => new LstmNet17x31L3Bi(), 3, 2, true, false),
        ("GRU", () => new Gru7x13(), 1, 1, true, false),
        ("GRU", () => new GruNet3x5L2(), 2, 1, true, false),
        ("GRU", () => new GruNet7x13Bi(), 1, 2, true, false),
        ("GRU", () => new OnnxGruBefore6x10(), 1, 1, false, false),
        ("GRU", () => new GruNet5x11L2BiBefore(), 2, 2, false, false),
        ("RNN", () => new Rnn7x13(), 1, 1, true, false),
        ("RNN", () => new RnnNet3x5L2(), 2, 1, true, false),
        ("RNN", () => new RnnNet5x11L2Bi(), 2, 2, true, false),
        ("RNN", () => new OnnxRnnRelu6x10(), 1, 1, true, true),
        ("RNN", () => new RnnNet7x13BiRelu(), 1, 2, true, true),
    };

    [Fact]
    public void RandomRecurrentStacksMatchOnnxRuntime()
    {
        var cases = Arb.From(
            from target in Gen.Choose(0, Targets.Length - 1)
            from steps in Gen.Choose(1, 6)
            from batch in Gen.Choose(1, 4)
            from seed in Gen.Choose(0, int.MaxValue)
            from raw in Gen.Elements(false, true)
            select (target, steps, batch, seed, raw));

        // Every target at least twice, then random ones: 48 models, each with its own ONNX Runtime session.
        var fixedCases = Enumerable.Range(0, 2 * Targets.Length).Select(i => (i % Targets.Length, 1 + (i % 6), 1 + (i % 4), 1000 + i, i % 3 == 0)).ToArray();
        foreach (var c in fixedCases)
        {
            MatchesOnnxRuntime(c.Item1, c.Item2, c.Item3, c.Item4, c.Item5);
        }

        FsCheck.Check.One(Config.QuickThrowOnFailure.WithMaxTest(16), Prop.ForAll(cases, c => MatchesOnnxRuntime(c.target, c.steps, c.batch, c.seed, c.raw)));
    }

    private static void MatchesOnnxRuntime(int targetIndex, int steps, int batch, int seed, bool rawData)
    {
        var t = Targets[targetIndex];
        object target = t.Target();
        int input, hidden;
        switch (target)
        {
            case IRecurrentNetwork<float> n: (input, hidden) = (n.InputSize, n.HiddenSize); break;
            case IRecurrentCell<float> c: (input, hidden) = (c.InputSize, c.HiddenSize); break;
            default: throw new InvalidOperationException();
        }

        var onnx = new OnnxRecurrentModel(t.Op, input, hidden, t.Layers, t.Directions, steps, batch, seed, t.LinearBeforeReset, t.Relu, rawData);
        float[] expected = onnx.RunOnnxRuntime();
        var options = new OnnxImportOptions
        {
            GruReset = t.LinearBeforeReset ? GruReset.AfterRecurrentProduct : GruReset.BeforeRecurrentProduct,
            RnnNonlinearity = t.Relu ? RnnNonlinearity.Relu : RnnNonlinearity.Tanh,
        };
        var model = OnnxModel.Parse(onnx.Bytes);
        var outputs = new float[expected.Length];
        float[] h = onnx.AllInitialHidden, c0 = onnx.AllInitialCell;
        switch (target)
        {
            case ILstmNetwork<float> n:
                OnnxImport.Load(model, n, options);
                n.Forward(steps, batch, onnx.Input, h, c0, outputs, n.CreateTape(steps, batch));
                break;
            case IHiddenStateNetwork<float> n:
                OnnxImport.Load(model, n, options);
                n.Forward(steps, batch, onnx.Input, h, outputs, n.CreateTape(steps, batch));
                break;
            case ILstmCell<float> cell:
                OnnxImport.Load(model, cell, options);
                cell.Forward(steps, batch, onnx.Input, h, c0, outputs, null);
                break;
            case IHiddenStateCell<float> cell:
                OnnxImport.Load(model, cell, options);
                cell.Forward(steps, batch, onnx.Input, h, outputs, null);
                break;
        }

        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(outputs[i] - expected[i]);
            Assert.True(error <= Tolerance * Math.Max(1, Math.Abs(expected[i])), $"{t.Op} {target.GetType().Name} T={steps} B={batch} seed={seed} raw={rawData}: Y[{i}] Simd {outputs[i]:R}, ONNX Runtime {expected[i]:R}");
        }
    }

    [Fact]
    public void AGruModelDoesNotLoadIntoAnLstm()
    {
        var onnx = new OnnxRecurrentModel("GRU", 3, 5, 2, 1, 2, 1, 7);
        var network = new LstmNet3x5L2();
        var e = Assert.Throws<WeightFileException>(() => OnnxImport.Load(OnnxModel.Parse(onnx.Bytes), network, new OnnxImportOptions { GruReset = GruReset.AfterRecurrentProduct }));
        Assert.Equal(WeightFileError.UnsupportedModel, e.Error);
        Assert.Contains("is GRU; the target is an LSTM", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheGruVariantMustBeStatedAndMatchLinearBeforeReset()
    {
        var model = OnnxModel.Parse(new OnnxRecurrentModel("GRU", 7, 13, 1, 1, 2, 1, 8, linearBeforeReset: false).Bytes);
        var cell = new Gru7x13();
        Assert.Equal("options", Assert.Throws<ArgumentException>(() => OnnxImport.Load(model, cell)).ParamName);
        var e = Assert.Throws<WeightFileException>(() => OnnxImport.Load(model, cell, new OnnxImportOptions { GruReset = GruReset.AfterRecurrentProduct }));
        Assert.Equal(WeightFileError.UnsupportedModel, e.Error);
        Assert.Contains("linear_before_reset=0", e.Message, StringComparison.Ordinal);
        Assert.False(model.RecurrentNodes[0].LinearBeforeReset);
    }

    [Fact]
    public void ShapeAndSizeMismatchesNameTheOnnxTensorAndChangeNothing()
    {
        var model = OnnxModel.Parse(new OnnxRecurrentModel("LSTM", 3, 5, 2, 2, 2, 1, 9).Bytes);
        var wrongInput = new LstmNet5x11L2Bi();
        wrongInput.InitializeParameters(1);
        var before = wrongInput.Parameters.ToArray();
        var e = Assert.Throws<WeightFileException>(() => OnnxImport.Load(model, wrongInput));
        Assert.Equal(WeightFileError.UnsupportedModel, e.Error); // hidden_size 5 against 11 is found first
        Assert.Contains("hidden_size 5; the target has 11", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, wrongInput.Parameters.ToArray());

        var oneDirection = new LstmNet3x5L2();
        Assert.Contains("direction 'bidirectional'", Assert.Throws<WeightFileException>(() => OnnxImport.Load(model, oneDirection)).Message, StringComparison.Ordinal);

        var singleLayerTooWide = new Lstm7x13();
        var narrow = OnnxModel.Parse(new OnnxRecurrentModel("LSTM", 3, 13, 1, 1, 2, 1, 10).Bytes);
        var shape = Assert.Throws<WeightFileException>(() => OnnxImport.Load(narrow, singleLayerTooWide));
        Assert.Equal(WeightFileError.ShapeMismatch, shape.Error);
        Assert.Contains("W ('W0') has shape [1, 52, 3]; expected [1, 52, 7]", shape.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AModelWithTooFewRecurrentNodesIsAMissingTensorError()
    {
        var model = OnnxModel.Parse(new OnnxRecurrentModel("RNN", 3, 5, 1, 1, 2, 1, 11).Bytes);
        var e = Assert.Throws<WeightFileException>(() => OnnxImport.Load(model, new RnnNet3x5L2(), new OnnxImportOptions { RnnNonlinearity = RnnNonlinearity.Tanh }));
        Assert.Equal(WeightFileError.MissingTensor, e.Error);
        Assert.Contains("needs 2 recurrent node(s)", e.Message, StringComparison.Ordinal);
    }
}

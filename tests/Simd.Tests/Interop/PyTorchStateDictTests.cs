using System;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using FsCheck;
using FsCheck.Fluent;
using Simd.Interop;
using Xunit;

namespace Simd.Tests.Interop;

/// <summary>State-dict export and import by name: bit-identical round trips, errors that name the tensor and both shapes, and no change on failure.</summary>
public sealed class PyTorchStateDictTests
{
    public static TheoryData<string> Modules => new()
    {
        "LstmNet5x11L2Bi", "LstmNet7x13P5L2Bi", "LstmNet3x6P2L2BiD", "GruNet5x11L2BiBefore", "GruNet3x5L2BiD", "RnnNet7x13BiRelu",
        "Lstm3x5", "Gru7x13", "Rnn3x5", "GoldenAdditive4x3x5v2D", "GoldenConcat4x3x5v2D", "GoldenGeneral4x3v2D", "AttnGeneral5x11", "GoldenMultiHead8x2D",
        "DenseTanh16x32", "DenseRelu17x4D", "Embed6x13", "Embed11x7D",
    };

    /// <summary>A fresh module, and its parameter span (to compare bits).</summary>
    internal static (IPyTorchModule<T> Module, Func<ulong[]> Bits, Action<ulong> Initialize) Create<T>(string name)
        where T : unmanaged
    {
        object instance = name switch
        {
            "LstmNet5x11L2Bi" => new LstmNet5x11L2Bi(),
            "LstmNet7x13P5L2Bi" => new LstmNet7x13P5L2Bi(),
            "LstmNet3x6P2L2BiD" => new LstmNet3x6P2L2BiD(),
            "GruNet5x11L2BiBefore" => new GruNet5x11L2BiBefore(),
            "GruNet3x5L2BiD" => new GruNet3x5L2BiD(),
            "RnnNet7x13BiRelu" => new RnnNet7x13BiRelu(),
            "Lstm3x5" => new Lstm3x5(),
            "Gru7x13" => new Gru7x13(),
            "Rnn3x5" => new Rnn3x5(),
            "GoldenAdditive4x3x5v2D" => new GoldenAdditive4x3x5v2D(),
            "GoldenConcat4x3x5v2D" => new GoldenConcat4x3x5v2D(),
            "GoldenGeneral4x3v2D" => new GoldenGeneral4x3v2D(),
            "AttnGeneral5x11" => new AttnGeneral5x11(),
            "GoldenMultiHead8x2D" => new GoldenMultiHead8x2D(),
            "DenseTanh16x32" => new DenseTanh16x32(),
            "DenseRelu17x4D" => new DenseRelu17x4D(),
            "Embed6x13" => new Embed6x13(),
            "Embed11x7D" => new Embed11x7D(),
            _ => throw new ArgumentException(name),
        };
        return instance switch
        {
            IRecurrentNetwork<T> n => (PyTorchModule.Of(n), () => Bits(n.Parameters), n.InitializeParameters),
            IRecurrentCell<T> c => (PyTorchModule.Of(c), () => Bits(c.Parameters), c.InitializeParameters),
            IAttentionCell<T> a => (PyTorchModule.Of(a), () => Bits(a.Parameters), a.InitializeParameters),
            IDenseLayer<T> d => (PyTorchModule.Of(d), () => Bits(d.Parameters), d.InitializeParameters),
            IEmbeddingLayer<T> e => (PyTorchModule.Of(e), () => Bits(e.Parameters), e.InitializeParameters),
            _ => throw new ArgumentException($"{name} is not of {typeof(T).Name}"),
        };
    }

    internal static (IPyTorchModule<float>? Float, IPyTorchModule<double>? Double) Untyped(string name, out Func<ulong[]> bits, out Action<ulong> initialize)
    {
        if (name.EndsWith('D'))
        {
            var d = Create<double>(name);
            (bits, initialize) = (d.Bits, d.Initialize);
            return (null, d.Module);
        }

        var f = Create<float>(name);
        (bits, initialize) = (f.Bits, f.Initialize);
        return (f.Module, null);
    }

    [Theory]
    [MemberData(nameof(Modules))]
    public void ExportThenImportIsBitIdentical(string name)
    {
        FsCheck.Check.One(Config.QuickThrowOnFailure.WithMaxTest(3), Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), seed =>
        {
            var (sourceFloat, sourceDouble) = Untyped(name, out var sourceBits, out var initialize);
            initialize((ulong)seed);
            var writer = new SafeTensorsWriter();
            if (sourceFloat is not null)
            {
                PyTorchStateDict.Save(writer, sourceFloat, "model.");
            }
            else
            {
                PyTorchStateDict.Save(writer, sourceDouble!, "model.");
            }

            using var file = SafeTensorsFile.Parse(writer.ToArray());
            var (targetFloat, targetDouble) = Untyped(name, out var targetBits, out _);
            if (targetFloat is not null)
            {
                PyTorchStateDict.Load(file, targetFloat, "model.");
            }
            else
            {
                PyTorchStateDict.Load(file, targetDouble!, "model.");
            }

            Assert.Equal(sourceBits(), targetBits());
        }));
    }

    [Fact]
    public void SavedNamesAndShapesArePyTorchs()
    {
        ILstmNetwork<float> network = new LstmNet7x13P5L2Bi();
        var writer = new SafeTensorsWriter();
        PyTorchStateDict.Save(writer, PyTorchModule.Of(network), "rnn.");
        using var file = SafeTensorsFile.Parse(writer.ToArray());
        string Shape(string tensor) => file.TryGetTensor(tensor, out var info) ? "[" + string.Join(",", info.Shape) + "]" : "missing";

        // nn.LSTM(7, 13, num_layers=2, bidirectional=True, proj_size=5): layer 1 reads both directions' projected outputs.
        Assert.Equal("[52,7]", Shape("rnn.weight_ih_l0"));
        Assert.Equal("[52,5]", Shape("rnn.weight_hh_l0_reverse"));
        Assert.Equal("[52]", Shape("rnn.bias_hh_l1"));
        Assert.Equal("[5,13]", Shape("rnn.weight_hr_l1_reverse"));
        Assert.Equal("[52,10]", Shape("rnn.weight_ih_l1_reverse"));
        Assert.Equal(network.PyTorchParameterNames.Select(n => "rnn." + n), file.Tensors.Select(t => t.Name));
    }

    [Fact]
    public void AMissingTensorNamesItAndItsExpectedShapeAndChangesNothing()
    {
        ILstmNetwork<float> network = new LstmNet3x5L2();
        network.InitializeParameters(3);
        var before = network.Parameters.ToArray();
        var writer = new SafeTensorsWriter();
        foreach (string name in network.PyTorchParameterNames.Where(n => n != "bias_hh_l1"))
        {
            ILstmNetwork<float> source = new LstmNet3x5L2();
            var values = new float[network.PyTorchParameterLength(name)];
            source.ExportPyTorch(name, values);
            writer.Add<float>("lstm." + name, values, PyTorchModule.Of(network).PyTorchShape(name));
        }

        using var file = SafeTensorsFile.Parse(writer.ToArray());
        var e = Assert.Throws<WeightFileException>(() => PyTorchStateDict.Load(file, PyTorchModule.Of(network), "lstm."));
        Assert.Equal(WeightFileError.MissingTensor, e.Error);
        Assert.Equal("lstm.bias_hh_l1", e.TensorName);
        Assert.Contains("expected shape [20]", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, network.Parameters.ToArray());
    }

    [Fact]
    public void AWrongShapeNamesTheTensorTheFoundAndTheExpectedShapeAndChangesNothing()
    {
        IHiddenStateNetwork<float> network = new GruNet3x5L2();
        network.InitializeParameters(4);
        var before = network.Parameters.ToArray();

        // A GRU(3, 6) file: every tensor is larger; the first checked is weight_ih_l0 [18, 3].
        var other = new SafeTensorsWriter();
        other.Add("weight_ih_l0", new float[18 * 3], 18, 3);
        using var file = SafeTensorsFile.Parse(other.ToArray());
        var e = Assert.Throws<WeightFileException>(() => PyTorchStateDict.Load(file, PyTorchModule.Of(network)));
        Assert.Equal(WeightFileError.ShapeMismatch, e.Error);
        Assert.Equal("Tensor 'weight_ih_l0' has shape [18, 3]; expected [15, 3].", e.Message);
        Assert.Equal(before, network.Parameters.ToArray());
    }

    [Fact]
    public void AnIntegerTensorIsAnUnsupportedDTypeError()
    {
        var cell = new Rnn3x5();
        string header = "{\"weight_ih_l0\":{\"dtype\":\"I32\",\"shape\":[5,3],\"data_offsets\":[0,60]}}";
        using var file = SafeTensorsFile.Parse(SafeTensorsTests.Build(header, new byte[60]));
        var e = Assert.Throws<WeightFileException>(() => PyTorchStateDict.Load(file, PyTorchModule.Of<float>(cell)));
        Assert.Equal(WeightFileError.UnsupportedDType, e.Error);
        Assert.Contains("'weight_ih_l0' [5, 3] is I32", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnexpectedTensorsUnderThePrefixAreErrorsUnlessIgnored()
    {
        IAttentionCell<double> attention = new GoldenMultiHead8x2D();
        var writer = Export(PyTorchModule.Of<double>(attention), "attn.");
        writer.Add("attn.bias_k", new double[8], 1, 1, 8);
        writer.Add("decoder.weight", new double[4], 2, 2);
        using var file = SafeTensorsFile.Parse(writer.ToArray());
        var e = Assert.Throws<WeightFileException>(() => PyTorchStateDict.Load(file, PyTorchModule.Of<double>(attention), "attn."));
        Assert.Equal(WeightFileError.UnexpectedTensor, e.Error);
        Assert.Equal("attn.bias_k", e.TensorName);
        PyTorchStateDict.Load(file, PyTorchModule.Of<double>(attention), "attn.", new PyTorchLoadOptions { IgnoreUnexpected = true });
    }

    [Fact]
    public void NaNWeightsAreRejectedBeforeAnyParameterChanges()
    {
        IHiddenStateNetwork<float> network = new RnnNet3x5L2();
        network.InitializeParameters(5);
        var writer = new SafeTensorsWriter();
        var module = PyTorchModule.Of(network);
        foreach (string name in network.PyTorchParameterNames)
        {
            var values = new float[network.PyTorchParameterLength(name)];
            values[0] = name == "bias_hh_l1" ? float.NaN : 0.25f; // the last tensor: all others were already read
            writer.Add<float>(name, values, module.PyTorchShape(name));
        }

        var before = network.Parameters.ToArray();
        using var file = SafeTensorsFile.Parse(writer.ToArray());
        var e = Assert.Throws<WeightFileException>(() => PyTorchStateDict.Load(file, module));
        Assert.Equal(WeightFileError.NonFiniteValue, e.Error);
        Assert.Equal("bias_hh_l1", e.TensorName);
        Assert.Equal(before, network.Parameters.ToArray());
    }

    [Fact]
    public void SeveralModulesLoadFromTheirPrefixesInOneCall()
    {
        ILstmNetwork<double> lstm = new LstmNet3x5L2BiD();
        IAttentionCell<double> attention = new GoldenMultiHead8x2D();
        lstm.InitializeParameters(1);
        attention.InitializeParameters(2);
        var writer = Export(PyTorchModule.Of<double>(lstm), "encoder.");
        PyTorchStateDict.Save(writer, PyTorchModule.Of<double>(attention), "attention.");
        using var file = SafeTensorsFile.Parse(writer.ToArray());
        ILstmNetwork<double> lstmCopy = new LstmNet3x5L2BiD();
        IAttentionCell<double> attentionCopy = new GoldenMultiHead8x2D();
        PyTorchStateDict.Load(file, ("encoder.", PyTorchModule.Of<double>(lstmCopy)), ("attention.", PyTorchModule.Of<double>(attentionCopy)));
        Assert.Equal(lstm.Parameters.ToArray(), lstmCopy.Parameters.ToArray());
        Assert.Equal(attention.Parameters.ToArray(), attentionCopy.Parameters.ToArray());
    }

    /// <summary>
    /// The checkpoint PyTorch validates: tools/golden/make_golden.py --check loads the checked-in file with
    /// load_state_dict(strict=True) into nn.LSTM(3, 5, 2, bidirectional) and nn.MultiheadAttention(8, 2) and records
    /// their outputs. Simd must still write exactly that file (SIMD_UPDATE_GOLDEN=1 rewrites it after a deliberate
    /// format change; then rerun the script), and must compute PyTorch's outputs from it.
    /// </summary>
    [Fact]
    public void SimdCheckpointIsTheCheckedInFileAndPyTorchComputesTheSameFromIt()
    {
        ILstmNetwork<double> lstm = new LstmNet3x5L2BiD();
        IMultiHeadAttention<double> attention = new GoldenMultiHead8x2D();
        lstm.InitializeParameters(2026);
        attention.InitializeParameters(2027);
        var writer = new SafeTensorsWriter();
        writer.SetMetadata("format", "pt");
        PyTorchStateDict.Save(writer, PyTorchModule.Of<double>(lstm), "encoder.");
        PyTorchStateDict.Save(writer, PyTorchModule.Of<double>(attention), "attention.");
        byte[] bytes = writer.ToArray();
        if (Environment.GetEnvironmentVariable("SIMD_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllBytes(Path.Combine(SourceDirectory(), "..", "Golden", "simd_checkpoint.safetensors"), bytes);
            return; // now run tools/golden/make_golden.py --check, rebuild, and run this test again without the variable
        }

        Assert.Equal(File.ReadAllBytes(GoldenFile.PathOf("simd_checkpoint")), bytes);

        using var outputs = new GoldenFile("simd_checkpoint_outputs");
        var x = outputs.Read("lstm_input");
        var tape = lstm.CreateTape(4, 2);
        var y = new double[4 * 2 * 10];
        lstm.Forward(4, 2, x, new double[4 * 2 * 5], new double[4 * 2 * 5], y, tape);
        outputs.AssertClose("lstm_output", y, 1e-9); // both double; see PyTorchGoldenTests for the bound
        var q = outputs.Read("attention_input");
        var o = new double[q.Length];
        var workspace = attention.CreateWorkspace(4, 2);
        attention.Forward(4, 4, 2, q, q, q, ReadOnlySpan<int>.Empty, false, o, Span<double>.Empty, workspace);
        outputs.AssertClose("attention_output", o, 1e-9);
    }

    private static SafeTensorsWriter Export<T>(IPyTorchModule<T> module, string prefix)
        where T : unmanaged
    {
        var writer = new SafeTensorsWriter();
        PyTorchStateDict.Save(writer, module, prefix);
        return writer;
    }

    private static ulong[] Bits<T>(Span<T> values)
        where T : unmanaged
        => typeof(T) == typeof(float)
            ? System.Runtime.InteropServices.MemoryMarshal.Cast<T, uint>(values).ToArray().Select(v => (ulong)v).ToArray()
            : System.Runtime.InteropServices.MemoryMarshal.Cast<T, ulong>(values).ToArray();

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}

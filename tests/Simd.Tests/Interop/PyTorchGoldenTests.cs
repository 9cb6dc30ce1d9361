using System;
using System.Linq;
using Simd.Interop;
using Xunit;

namespace Simd.Tests.Interop;

/// <summary>
/// Simd against PyTorch 1.13 on the checked-in golden files (tools/golden/make_golden.py): each file holds a model's
/// state_dict, inputs, outputs and the gradients of a random linear loss, all float64. Parameters load through
/// <see cref="PyTorchStateDict"/> by PyTorch's names, so these tests also check the importer's names, shapes and gate
/// order against the framework itself.
/// </summary>
/// <remarks>
/// Tolerance: 1e-9 · (1 + |expected|). Both sides compute in double; they differ by summation order and by Simd's
/// tanh, sigmoid and exp (absolute error below 5e-16), over at most 4 steps × 2 layers of products of ≤ 12 terms, so
/// honest differences stay below 1e-13 (measured: under 1e-14). Any wrong gate block, transposition, direction or
/// missing term moves results by 1e-3 or more.
/// </remarks>
public sealed class PyTorchGoldenTests
{
    private const double Tolerance = 1e-9;

    public static TheoryData<string> LstmFiles => new() { "lstm_3x5_l2_bi", "lstm_4x6_p3_l2_bi" };

    public static TheoryData<string> HiddenStateFiles => new() { "gru_3x5_l2_bi", "rnn_tanh_3x5_l2_bi", "rnn_relu_4x6_bi" };

    public static TheoryData<string> SingleHeadFiles => new() { "additive_4x3x5_v2", "concat_4x3x5_v2", "general_4x3_v2", "dot_4_v2" };

    [Theory]
    [MemberData(nameof(LstmFiles))]
    public void LstmNetworkMatchesPyTorch(string name)
    {
        using var golden = new GoldenFile(name);
        Func<ILstmNetwork<double>> create = name == "lstm_3x5_l2_bi" ? () => new LstmNet3x5L2BiD() : () => new GoldenLstm4x6P3L2BiD();
        var network = create();
        PyTorchStateDict.Load(golden.File, PyTorchModule.Of(network), "", new PyTorchLoadOptions { IgnoreUnexpected = true });
        int steps = (int)golden.Dimension("input", 0), batch = (int)golden.Dimension("input", 1);
        double[] hidden = golden.Read("h0"), cell = golden.Read("c0");
        var outputs = new double[steps * batch * network.OutputSize];
        var tape = network.CreateTape(steps, batch);
        network.Forward(steps, batch, golden.Read("input"), hidden, cell, outputs, tape);
        golden.AssertClose("output", outputs, Tolerance);
        golden.AssertClose("hT", hidden, Tolerance);
        golden.AssertClose("cT", cell, Tolerance);

        var dx = new double[golden.Read("input").Length];
        var dh0 = new double[hidden.Length];
        var dc0 = new double[cell.Length];
        var dParameters = new double[network.ParameterCount];
        network.Backward(tape, golden.Read("grad_output"), golden.Read("grad_hT"), golden.Read("grad_cT"), dx, dh0, dc0, dParameters);
        golden.AssertClose("grad.input", dx, Tolerance);
        golden.AssertClose("grad.h0", dh0, Tolerance);
        golden.AssertClose("grad.c0", dc0, Tolerance);
        AssertParameterGradients(golden, create(), dParameters);
    }

    [Theory]
    [MemberData(nameof(HiddenStateFiles))]
    public void HiddenStateNetworkMatchesPyTorch(string name)
    {
        using var golden = new GoldenFile(name);
        Func<IHiddenStateNetwork<double>> create = name switch
        {
            "gru_3x5_l2_bi" => () => new GruNet3x5L2BiD(),
            "rnn_tanh_3x5_l2_bi" => () => new RnnNet3x5L2BiD(),
            _ => () => new GoldenRnnRelu4x6BiD(),
        };
        var network = create();
        PyTorchStateDict.Load(golden.File, PyTorchModule.Of(network), "", new PyTorchLoadOptions { IgnoreUnexpected = true });
        int steps = (int)golden.Dimension("input", 0), batch = (int)golden.Dimension("input", 1);
        double[] hidden = golden.Read("h0");
        var outputs = new double[steps * batch * network.OutputSize];
        var tape = network.CreateTape(steps, batch);
        network.Forward(steps, batch, golden.Read("input"), hidden, outputs, tape);
        golden.AssertClose("output", outputs, Tolerance);
        golden.AssertClose("hT", hidden, Tolerance);

        var dx = new double[golden.Read("input").Length];
        var dh0 = new double[hidden.Length];
        var dParameters = new double[network.ParameterCount];
        network.Backward(tape, golden.Read("grad_output"), golden.Read("grad_hT"), dx, dh0, dParameters);
        golden.AssertClose("grad.input", dx, Tolerance);
        golden.AssertClose("grad.h0", dh0, Tolerance);
        AssertParameterGradients(golden, create(), dParameters);
    }

    [Fact]
    public void GruResetBeforeCellMatchesTheFormulaInPyTorch()
    {
        using var golden = new GoldenFile("gru_before_3x5");
        IHiddenStateCell<double> cell = new GoldenGruBefore3x5D();
        PyTorchStateDict.Load(golden.File, PyTorchModule.Of<double>(cell), "", new PyTorchLoadOptions { IgnoreUnexpected = true });
        int steps = (int)golden.Dimension("input", 0), batch = (int)golden.Dimension("input", 1);
        double[] hidden = golden.Read("h0");
        var outputs = new double[steps * batch * 5];
        var tape = cell.CreateTape(steps, batch);
        cell.Forward(steps, batch, golden.Read("input"), hidden, outputs, tape);
        golden.AssertClose("output", outputs, Tolerance);
        golden.AssertClose("hT", hidden, Tolerance);

        var dx = new double[golden.Read("input").Length];
        var dh0 = new double[hidden.Length];
        var dParameters = new double[cell.ParameterCount];
        cell.Backward(tape, golden.Read("grad_output"), golden.Read("grad_hT"), dx, dh0, dParameters);
        golden.AssertClose("grad.input", dx, Tolerance);
        golden.AssertClose("grad.h0", dh0, Tolerance);
        IHiddenStateCell<double> holder = new GoldenGruBefore3x5D();
        dParameters.CopyTo(holder.Parameters);
        AssertModuleGradients(golden, PyTorchModule.Of<double>(holder));
    }

    [Theory]
    [MemberData(nameof(SingleHeadFiles))]
    public void SingleHeadAttentionMatchesItsFormulasInPyTorch(string name)
    {
        using var golden = new GoldenFile(name);
        ISingleHeadAttention<double> cell = name switch
        {
            "additive_4x3x5_v2" => new GoldenAdditive4x3x5v2D(),
            "concat_4x3x5_v2" => new GoldenConcat4x3x5v2D(),
            "general_4x3_v2" => new GoldenGeneral4x3v2D(),
            _ => new GoldenDot4v2D(),
        };
        PyTorchStateDict.Load(golden.File, PyTorchModule.Of(cell), "", new PyTorchLoadOptions { IgnoreUnexpected = true });
        int batch = (int)golden.Dimension("keys", 0), keys = (int)golden.Dimension("keys", 1);
        int[] lengths = golden.Read("lengths").Select(l => (int)l).ToArray();
        var workspace = cell.CreateWorkspace(keys, batch);
        double[] queries = golden.Read("queries");
        var context = new double[batch * cell.ValueSize];
        var weights = new double[batch * keys];
        cell.Prepare(keys, batch, golden.Read("keys"), golden.Read("values"), lengths, workspace);
        cell.Step(queries, workspace, context, weights);
        golden.AssertClose("context", context, Tolerance);
        golden.AssertClose("weights", weights, Tolerance);

        var dQueries = new double[queries.Length];
        var dKeys = new double[batch * keys * cell.KeySize];
        var dValues = new double[batch * keys * cell.ValueSize];
        var dParameters = new double[cell.ParameterCount];
        cell.StepBackward(queries, workspace, golden.Read("grad_context"), dQueries, dParameters);
        cell.PrepareBackward(workspace, dKeys, dValues, dParameters);
        golden.AssertClose("grad.queries", dQueries, Tolerance);
        golden.AssertClose("grad.keys", dKeys, Tolerance);
        golden.AssertClose("grad.values", dValues, Tolerance);
        AssertAttentionGradients(golden, cell, dParameters);
    }

    [Fact]
    public void MultiHeadAttentionMatchesNnMultiheadAttention()
    {
        using var golden = new GoldenFile("multihead_8x2");
        IMultiHeadAttention<double> cell = new GoldenMultiHead8x2D();
        PyTorchStateDict.Load(golden.File, PyTorchModule.Of<double>(cell), "", new PyTorchLoadOptions { IgnoreUnexpected = true });
        int batch = (int)golden.Dimension("query", 0), queries = (int)golden.Dimension("query", 1), keys = (int)golden.Dimension("key", 1);
        int[] lengths = golden.Read("lengths").Select(l => (int)l).ToArray();
        var workspace = cell.CreateWorkspace(Math.Max(queries, keys), batch);
        var output = new double[batch * queries * 8];
        var weights = new double[batch * 2 * queries * keys];
        cell.Forward(queries, keys, batch, golden.Read("query"), golden.Read("key"), golden.Read("value"), lengths, false, output, weights, workspace);
        golden.AssertClose("output", output, Tolerance);
        golden.AssertClose("weights", weights, Tolerance);

        var dQuery = new double[output.Length];
        var dKey = new double[batch * keys * 8];
        var dValue = new double[dKey.Length];
        var dParameters = new double[cell.ParameterCount];
        cell.Backward(workspace, golden.Read("grad_output"), dQuery, dKey, dValue, dParameters);
        golden.AssertClose("grad.query", dQuery, Tolerance);
        golden.AssertClose("grad.key", dKey, Tolerance);
        golden.AssertClose("grad.value", dValue, Tolerance);
        AssertAttentionGradients(golden, cell, dParameters);
    }

    [Theory]
    [InlineData("linear_7x5")]
    [InlineData("linear_tanh_3x17")]
    public void DenseLayerMatchesNnLinear(string name)
    {
        using var golden = new GoldenFile(name);
        Func<IDenseLayer<double>> create = name == "linear_7x5" ? () => new DenseNone7x5D() : () => new DenseTanh3x17D();
        var layer = create();
        PyTorchStateDict.Load(golden.File, PyTorchModule.Of(layer), "", new PyTorchLoadOptions { IgnoreUnexpected = true });
        int batch = (int)golden.Dimension("input", 0);
        double[] input = golden.Read("input");
        var output = new double[batch * layer.OutputSize];
        layer.Forward(batch, input, output);
        golden.AssertClose("output", output, Tolerance);

        var dInput = new double[input.Length];
        var dParameters = new double[layer.ParameterCount];
        layer.Backward(batch, input, output, golden.Read("grad_output"), dInput, dParameters);
        golden.AssertClose("grad.input", dInput, Tolerance);
        var holder = create();
        dParameters.CopyTo(holder.Parameters);
        AssertModuleGradients(golden, PyTorchModule.Of(holder));
    }

    [Fact]
    public void EmbeddingMatchesNnEmbedding()
    {
        using var golden = new GoldenFile("embedding_6x13");
        IEmbeddingLayer<double> layer = new Embed6x13D();
        PyTorchStateDict.Load(golden.File, PyTorchModule.Of(layer), "", new PyTorchLoadOptions { IgnoreUnexpected = true });
        int[] tokens = golden.Read("tokens").Select(t => (int)t).ToArray();
        var output = new double[tokens.Length * layer.Dimension];
        layer.Forward(tokens, output);
        golden.AssertClose("output", output, 0); // a lookup copies: exact
        var dParameters = new double[layer.ParameterCount];
        layer.Backward(tokens, golden.Read("grad_output"), dParameters);
        IEmbeddingLayer<double> holder = new Embed6x13D();
        dParameters.CopyTo(holder.Parameters);
        AssertModuleGradients(golden, PyTorchModule.Of(holder));
    }

    /// <summary>Parameter gradients share the parameters' layout: loaded into a spare network, they export by PyTorch name.</summary>
    private static void AssertParameterGradients<T>(GoldenFile golden, T holder, double[] gradients)
        where T : IRecurrentNetwork<double>
    {
        gradients.CopyTo(holder.Parameters);
        AssertModuleGradients(golden, PyTorchModule.Of<double>(holder));
    }

    private static void AssertModuleGradients(GoldenFile golden, IPyTorchModule<double> holder)
    {
        foreach (string name in holder.PyTorchParameterNames)
        {
            var tensor = new double[holder.PyTorchShape(name).Aggregate(1, (a, b) => a * b)];
            holder.ExportPyTorch(name, tensor);
            golden.AssertClose("grad." + name, tensor, Tolerance);
        }
    }

    private static void AssertAttentionGradients(GoldenFile golden, IAttentionCell<double> cell, double[] gradients)
    {
        foreach (string name in cell.ParameterNames)
        {
            var tensor = new double[cell.ParameterLength(name)];
            cell.ReadTensor(gradients, name, tensor);
            golden.AssertClose("grad." + name, tensor, Tolerance);
        }
    }
}

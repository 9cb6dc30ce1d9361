using System;
using System.Linq;
using Xunit;

namespace Simd.Tests;

/// <summary>Bad input at an RNN cell's public boundary: clear exceptions that name the argument and the expected size, and no state change.</summary>
public sealed class RnnBoundaryTests
{
    private const int I = 7;
    private const int H = 13;

    [Theory]
    [InlineData(I - 1, H, "input", "expected 7")]
    [InlineData(I + 1, H, "input", "expected 7")]
    [InlineData(0, H, "input", "expected 7")]
    [InlineData(I, H - 1, "hidden", "expected 13")]
    [InlineData(I, H + 3, "hidden", "expected 13")]
    public void Step_rejects_wrong_lengths_and_leaves_state_untouched(int inputLength, int hiddenLength, string argument, string expected)
    {
        var cell = new Rnn7x13();
        cell.InitializeParameters(1);
        var parameters = cell.Parameters.ToArray();
        var hidden = Enumerable.Range(0, hiddenLength).Select(static i => i * 0.25f).ToArray();
        var hiddenBefore = (float[])hidden.Clone();

        var error = Assert.ThrowsAny<ArgumentException>(() => cell.Step(new float[inputLength], hidden));

        Assert.Equal(argument, error.ParamName);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(hiddenBefore, hidden);
        Assert.Equal(parameters, cell.Parameters.ToArray());
    }

    [Theory]
    [InlineData(0, 0, "hidden")]
    [InlineData(3 * I, (3 * H) + 1, "hidden")]
    [InlineData((3 * I) - 1, 3 * H, "inputs")]
    [InlineData((2 * I), 3 * H, "inputs")]
    public void StepBatch_rejects_wrong_lengths(int inputLength, int hiddenLength, string argument)
    {
        var cell = new RnnRelu7x13();
        cell.InitializeParameters(2);
        var hidden = new float[hiddenLength];
        hidden.AsSpan().Fill(0.5f);
        var error = Assert.ThrowsAny<ArgumentException>(() => cell.StepBatch(new float[inputLength], hidden));
        Assert.Equal(argument, error.ParamName);
        Assert.All(hidden, static v => Assert.Equal(0.5f, v));
    }

    [Fact]
    public void Forward_rejects_wrong_lengths_counts_and_foreign_tapes()
    {
        var cell = new Rnn7x13();
        var tape = Rnn7x13.CreateTape(4, 2);
        float[] X(int t, int b) => new float[t * b * I];
        float[] S(int b) => new float[b * H];
        float[] O(int t, int b) => new float[t * b * H];

        Assert.Equal("steps", Assert.ThrowsAny<ArgumentException>(() => cell.Forward(5, 2, X(5, 2), S(2), O(5, 2), tape)).ParamName);
        Assert.Equal("steps", Assert.ThrowsAny<ArgumentException>(() => cell.Forward(0, 2, X(0, 2), S(2), O(0, 2), tape)).ParamName);
        Assert.Equal("steps", Assert.ThrowsAny<ArgumentException>(() => cell.Forward(0, 2, X(0, 2), S(2), O(0, 2), null)).ParamName);
        Assert.Equal("batch", Assert.ThrowsAny<ArgumentException>(() => cell.Forward(4, 3, X(4, 3), S(3), O(4, 3), tape)).ParamName);
        Assert.Equal("inputs", Assert.ThrowsAny<ArgumentException>(() => cell.Forward(4, 2, X(3, 2), S(2), O(4, 2), tape)).ParamName);
        Assert.Equal("hidden", Assert.ThrowsAny<ArgumentException>(() => cell.Forward(4, 2, X(4, 2), S(1), O(4, 2), tape)).ParamName);
        var hidden = Enumerable.Repeat(0.75f, 2 * H).ToArray();
        var outputs = O(4, 1);
        var error = Assert.ThrowsAny<ArgumentException>(() => cell.Forward(4, 2, X(4, 2), hidden, outputs, tape));
        Assert.Equal("outputs", error.ParamName);
        Assert.Contains("expected 104", error.Message, StringComparison.Ordinal);
        Assert.All(hidden, static v => Assert.Equal(0.75f, v));

        // A tape of another shape, another nonlinearity or another cell kind is refused by name.
        foreach (var (foreign, layout) in new[] { (Rnn3x5.CreateTape(4, 2), "Rnn:3x5:float"), (RnnRelu7x13.CreateTape(4, 2), "RnnRelu:7x13:float"), (Lstm7x13.CreateTape(4, 2), "Lstm:7x13:float") })
        {
            var tapeError = Assert.Throws<ArgumentException>(() => cell.Forward(4, 2, X(4, 2), S(2), O(4, 2), foreign));
            Assert.Equal("tape", tapeError.ParamName);
            Assert.Contains(layout, tapeError.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Backward_rejects_an_unrecorded_or_foreign_tape_and_wrong_lengths()
    {
        var cell = new Rnn7x13();
        cell.InitializeParameters(3);
        var tape = Rnn7x13.CreateTape(4, 2);
        var gradients = new float[Rnn7x13.ParameterCount];
        float[] Z(int n) => new float[n];

        var unrecorded = Assert.Throws<ArgumentException>(() => cell.Backward(tape, Z(4 * 2 * H), Z(2 * H), Z(4 * 2 * I), Z(2 * H), gradients));
        Assert.Equal("tape", unrecorded.ParamName);

        cell.Forward(3, 2, Z(3 * 2 * I), Z(2 * H), Z(3 * 2 * H), tape);

        Assert.Equal("outputGradients", Assert.ThrowsAny<ArgumentException>(() => cell.Backward(tape, Z(4 * 2 * H), Z(2 * H), Z(3 * 2 * I), Z(2 * H), gradients)).ParamName);
        Assert.Equal("finalHiddenGradient", Assert.ThrowsAny<ArgumentException>(() => cell.Backward(tape, Z(3 * 2 * H), Z(H), Z(3 * 2 * I), Z(2 * H), gradients)).ParamName);
        Assert.Equal("inputGradients", Assert.ThrowsAny<ArgumentException>(() => cell.Backward(tape, Z(3 * 2 * H), Z(2 * H), Z(4 * 2 * I), Z(2 * H), gradients)).ParamName);
        Assert.Equal("initialHiddenGradient", Assert.ThrowsAny<ArgumentException>(() => cell.Backward(tape, Z(3 * 2 * H), Z(2 * H), Z(3 * 2 * I), Z(3 * H), gradients)).ParamName);
        Assert.Equal("parameterGradients", Assert.ThrowsAny<ArgumentException>(() => cell.Backward(tape, Z(3 * 2 * H), Z(2 * H), Z(3 * 2 * I), Z(2 * H), Z(5))).ParamName);
        Assert.All(gradients, static g => Assert.Equal(0f, g));

        var foreign = RnnRelu7x13.CreateTape(4, 2);
        Assert.Equal("tape", Assert.Throws<ArgumentException>(() => cell.Backward(foreign, Z(3 * 2 * H), Z(2 * H), Z(3 * 2 * I), Z(2 * H), gradients)).ParamName);
    }

    [Fact]
    public void Tape_requests_beyond_an_array_are_rejected()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Rnn128x256.CreateTape(1_000_000, 1_000));
        Assert.Contains("more than one array can hold", error.Message, StringComparison.Ordinal);
        Assert.Equal("maxSteps", Assert.Throws<ArgumentOutOfRangeException>(() => Rnn128x256.CreateTape(0, 1)).ParamName);
        Assert.Equal("maxBatch", Assert.Throws<ArgumentOutOfRangeException>(() => Rnn128x256.CreateTape(1, 0)).ParamName);
    }

    [Fact]
    public void Import_and_export_reject_wrong_tensor_lengths_and_indices_reject_out_of_range()
    {
        var cell = new Rnn7x13();
        cell.InitializeParameters(4);
        var before = cell.Parameters.ToArray();
        var wih = new float[H * I];
        var whh = new float[H * H];
        var b = new float[H];
        Assert.Equal("weightIh", Assert.Throws<ArgumentException>(() => cell.ImportPyTorch(new float[(H * I) - 1], whh, b, b)).ParamName);
        Assert.Equal("weightHh", Assert.Throws<ArgumentException>(() => cell.ImportPyTorch(wih, new float[H * I], b, b)).ParamName);
        Assert.Equal("biasIh", Assert.Throws<ArgumentException>(() => cell.ImportPyTorch(wih, whh, new float[4 * H], b)).ParamName);
        Assert.Equal(before, cell.Parameters.ToArray());
        Assert.Equal("biasHh", Assert.Throws<ArgumentException>(() => cell.ExportPyTorch(wih, whh, b, new float[H + 1])).ParamName);
        Assert.Equal("parameters", Assert.Throws<ArgumentException>(() => Rnn7x13.FromPyTorchLayout(wih, whh, b, b, new float[3])).ParamName);
        Assert.Equal("row", Assert.Throws<ArgumentOutOfRangeException>(() => Rnn7x13.WeightIndex(H, 0)).ParamName);
        Assert.Equal("row", Assert.Throws<ArgumentOutOfRangeException>(() => Rnn7x13.WeightIndex(-1, 0)).ParamName);
        Assert.Equal("column", Assert.Throws<ArgumentOutOfRangeException>(() => Rnn7x13.WeightIndex(0, I + H)).ParamName);
        Assert.Equal("row", Assert.Throws<ArgumentOutOfRangeException>(() => Rnn7x13.BiasIhIndex(H)).ParamName);
        Assert.Equal("row", Assert.Throws<ArgumentOutOfRangeException>(() => Rnn7x13.BiasHhIndex(-1)).ParamName);
    }
}

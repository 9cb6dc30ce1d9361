using System;
using System.Linq;
using Simd.Tests.Support;
using Xunit;

namespace Simd.Tests;

/// <summary>Bad input at the public boundary: clear exceptions that name the argument and the expected size, and no state change.</summary>
public sealed class LstmBoundaryTests
{
    private const int I = 7;
    private const int H = 13;

    [Theory]
    [InlineData(I - 1, H, H, "input", "expected 7")]
    [InlineData(I + 1, H, H, "input", "expected 7")]
    [InlineData(I, H - 1, H, "hidden", "expected 13")]
    [InlineData(I, H, H + 3, "cell", "expected 13")]
    [InlineData(0, H, H, "input", "expected 7")]
    public void Step_rejects_wrong_lengths_and_leaves_state_untouched(int inputLength, int hiddenLength, int cellLength, string argument, string expected)
    {
        var cell = new Lstm7x13();
        cell.InitializeParameters(1);
        var parameters = cell.Parameters.ToArray();
        var hidden = Enumerable.Range(0, hiddenLength).Select(static i => i * 0.25f).ToArray();
        var state = Enumerable.Range(0, cellLength).Select(static i => -i * 0.5f).ToArray();
        var hiddenBefore = (float[])hidden.Clone();
        var stateBefore = (float[])state.Clone();

        var error = Assert.ThrowsAny<ArgumentException>(() => cell.Step(new float[inputLength], hidden, state));

        Assert.Equal(argument, error.ParamName);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(hiddenBefore, hidden);
        Assert.Equal(stateBefore, state);
        Assert.Equal(parameters, cell.Parameters.ToArray());
    }

    [Theory]
    [InlineData(0, 0, 0, "hidden")]
    [InlineData(3 * I, (3 * H) + 1, 3 * H, "hidden")]
    [InlineData((3 * I) - 1, 3 * H, 3 * H, "inputs")]
    [InlineData(3 * I, 3 * H, 2 * H, "cell")]
    public void StepBatch_rejects_wrong_lengths(int inputLength, int hiddenLength, int cellLength, string argument)
    {
        var cell = new Lstm7x13();
        var hidden = new float[hiddenLength];
        hidden.AsSpan().Fill(0.5f);
        var error = Assert.ThrowsAny<ArgumentException>(() => cell.StepBatch(new float[inputLength], hidden, new float[cellLength]));
        Assert.Equal(argument, error.ParamName);
        Assert.All(hidden, static v => Assert.Equal(0.5f, v));
    }

    [Fact]
    public void Forward_rejects_wrong_lengths_counts_and_foreign_tapes()
    {
        var cell = new Lstm7x13();
        var tape = Lstm7x13.CreateTape(4, 2);
        float[] X(int t, int b) => new float[t * b * I];
        float[] S(int b) => new float[b * H];
        float[] O(int t, int b) => new float[t * b * H];

        Assert.Equal("steps", Assert.ThrowsAny<ArgumentException>(() => cell.Forward(5, 2, X(5, 2), S(2), S(2), O(5, 2), tape)).ParamName);
        Assert.Equal("steps", Assert.ThrowsAny<ArgumentException>(() => cell.Forward(0, 2, X(0, 2), S(2), S(2), O(0, 2), tape)).ParamName);
        Assert.Equal("batch", Assert.ThrowsAny<ArgumentException>(() => cell.Forward(4, 3, X(4, 3), S(3), S(3), O(4, 3), tape)).ParamName);
        Assert.Equal("inputs", Assert.ThrowsAny<ArgumentException>(() => cell.Forward(4, 2, X(3, 2), S(2), S(2), O(4, 2), tape)).ParamName);
        Assert.Equal("hidden", Assert.ThrowsAny<ArgumentException>(() => cell.Forward(4, 2, X(4, 2), S(1), S(2), O(4, 2), tape)).ParamName);
        Assert.Equal("cell", Assert.ThrowsAny<ArgumentException>(() => cell.Forward(4, 2, X(4, 2), S(2), S(3), O(4, 2), tape)).ParamName);
        var outputs = O(4, 1);
        var error = Assert.ThrowsAny<ArgumentException>(() => cell.Forward(4, 2, X(4, 2), S(2), S(2), outputs, tape));
        Assert.Equal("outputs", error.ParamName);
        Assert.Contains("expected 104", error.Message, StringComparison.Ordinal);

        var foreign = Lstm3x5.CreateTape(4, 2);
        var tapeError = Assert.Throws<ArgumentException>(() => cell.Forward(4, 2, X(4, 2), S(2), S(2), O(4, 2), foreign));
        Assert.Equal("tape", tapeError.ParamName);
        Assert.Contains("Lstm:3x5:float", tapeError.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Backward_rejects_an_unrecorded_or_foreign_tape_and_wrong_lengths()
    {
        var cell = new Lstm7x13();
        cell.InitializeParameters(3);
        var tape = Lstm7x13.CreateTape(4, 2);
        var gradients = new float[Lstm7x13.ParameterCount];
        float[] Z(int n) => new float[n];

        var unrecorded = Assert.Throws<ArgumentException>(() => cell.Backward(tape, Z(4 * 2 * H), Z(2 * H), Z(2 * H), Z(4 * 2 * I), Z(2 * H), Z(2 * H), gradients));
        Assert.Equal("tape", unrecorded.ParamName);

        var hidden = Z(2 * H);
        var state = Z(2 * H);
        cell.Forward(3, 2, Z(3 * 2 * I), hidden, state, Z(3 * 2 * H), tape);

        Assert.Equal("outputGradients", Assert.ThrowsAny<ArgumentException>(() => cell.Backward(tape, Z(4 * 2 * H), Z(2 * H), Z(2 * H), Z(3 * 2 * I), Z(2 * H), Z(2 * H), gradients)).ParamName);
        Assert.Equal("inputGradients", Assert.ThrowsAny<ArgumentException>(() => cell.Backward(tape, Z(3 * 2 * H), Z(2 * H), Z(2 * H), Z(4 * 2 * I), Z(2 * H), Z(2 * H), gradients)).ParamName);
        Assert.Equal("parameterGradients", Assert.ThrowsAny<ArgumentException>(() => cell.Backward(tape, Z(3 * 2 * H), Z(2 * H), Z(2 * H), Z(3 * 2 * I), Z(2 * H), Z(2 * H), Z(5))).ParamName);
        Assert.All(gradients, static g => Assert.Equal(0f, g));

        var foreign = Lstm3x5.CreateTape(4, 2);
        Assert.Equal("tape", Assert.Throws<ArgumentException>(() => cell.Backward(foreign, Z(3 * 2 * H), Z(2 * H), Z(2 * H), Z(3 * 2 * I), Z(2 * H), Z(2 * H), gradients)).ParamName);
    }

    [Fact]
    public void Tape_requests_beyond_an_array_are_rejected()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Lstm128x256.CreateTape(1_000_000, 1_000));
        Assert.Contains("more than one array can hold", error.Message, StringComparison.Ordinal);
        Assert.Equal("maxSteps", Assert.Throws<ArgumentOutOfRangeException>(() => Lstm128x256.CreateTape(0, 1)).ParamName);
    }

    [Fact]
    public void Import_and_export_reject_wrong_tensor_lengths()
    {
        var cell = new Lstm7x13();
        var wih = new float[4 * H * I];
        var whh = new float[4 * H * H];
        var b = new float[4 * H];
        Assert.Equal("weightIh", Assert.Throws<ArgumentException>(() => cell.ImportPyTorch(new float[(4 * H * I) - 1], whh, b, b)).ParamName);
        Assert.Equal("weightHh", Assert.Throws<ArgumentException>(() => cell.ImportPyTorch(wih, new float[4 * H * I], b, b)).ParamName);
        Assert.Equal("biasHh", Assert.Throws<ArgumentException>(() => cell.ExportPyTorch(wih, whh, b, new float[H])).ParamName);
        Assert.Equal("row", Assert.Throws<ArgumentOutOfRangeException>(() => Lstm7x13.WeightIndex(4 * H, 0)).ParamName);
        Assert.Equal("column", Assert.Throws<ArgumentOutOfRangeException>(() => Lstm7x13.WeightIndex(0, I + H)).ParamName);
    }
}

using System;
using System.Linq;
using Xunit;

namespace Simd.Tests;

/// <summary>Bad input at a GRU cell's public boundary: clear exceptions that name the argument and the expected size, and no state change.</summary>
public sealed class GruBoundaryTests
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
        foreach (IHiddenStateCell<float> cell in new IHiddenStateCell<float>[] { new Gru7x13(), new GruRb7x13() })
        {
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
    }

    [Theory]
    [InlineData(0, 0, "hidden", "positive multiple of HiddenSize = 13")]
    [InlineData(3 * I, (3 * H) + 1, "hidden", "positive multiple of HiddenSize = 13")]
    [InlineData((3 * I) - 1, 3 * H, "inputs", "expected 21")]
    [InlineData((2 * I), 3 * H, "inputs", "expected 21")]
    public void StepBatch_rejects_wrong_lengths_and_leaves_state_untouched(int inputLength, int hiddenLength, string argument, string expected)
    {
        var cell = new Gru7x13();
        var hidden = new float[hiddenLength];
        hidden.AsSpan().Fill(0.5f);
        var error = Assert.ThrowsAny<ArgumentException>(() => cell.StepBatch(new float[inputLength], hidden));
        Assert.Equal(argument, error.ParamName);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.All(hidden, static v => Assert.Equal(0.5f, v));
    }

    [Fact]
    public void Forward_rejects_wrong_lengths_counts_and_foreign_tapes()
    {
        var cell = new Gru7x13();
        var tape = Gru7x13.CreateTape(4, 2);
        float[] X(int t, int b) => new float[t * b * I];
        float[] S(int b) => Enumerable.Repeat(0.5f, b * H).ToArray();
        float[] O(int t, int b) => new float[t * b * H];

        Assert.Equal("steps", Assert.ThrowsAny<ArgumentException>(() => cell.Forward(5, 2, X(5, 2), S(2), O(5, 2), tape)).ParamName);
        Assert.Equal("steps", Assert.ThrowsAny<ArgumentException>(() => cell.Forward(0, 2, X(0, 2), S(2), O(0, 2), tape)).ParamName);
        Assert.Equal("batch", Assert.ThrowsAny<ArgumentException>(() => cell.Forward(4, 3, X(4, 3), S(3), O(4, 3), tape)).ParamName);
        Assert.Equal("inputs", Assert.ThrowsAny<ArgumentException>(() => cell.Forward(4, 2, X(3, 2), S(2), O(4, 2), tape)).ParamName);
        Assert.Equal("hidden", Assert.ThrowsAny<ArgumentException>(() => cell.Forward(4, 2, X(4, 2), S(1), O(4, 2), tape)).ParamName);
        var hidden = S(2);
        var outputs = O(4, 1);
        var error = Assert.ThrowsAny<ArgumentException>(() => cell.Forward(4, 2, X(4, 2), hidden, outputs, tape));
        Assert.Equal("outputs", error.ParamName);
        Assert.Contains("expected 104", error.Message, StringComparison.Ordinal);
        Assert.All(hidden, static v => Assert.Equal(0.5f, v));
        Assert.All(outputs, static v => Assert.Equal(0f, v));

        // A tape of another shape, or of the other variant of the same shape, is refused.
        var foreign = Gru3x5.CreateTape(4, 2);
        var tapeError = Assert.Throws<ArgumentException>(() => cell.Forward(4, 2, X(4, 2), S(2), O(4, 2), foreign));
        Assert.Equal("tape", tapeError.ParamName);
        Assert.Contains("Gru:3x5:float", tapeError.Message, StringComparison.Ordinal);
        var otherVariant = GruRb7x13.CreateTape(4, 2);
        Assert.Equal("tape", Assert.Throws<ArgumentException>(() => cell.Forward(4, 2, X(4, 2), S(2), O(4, 2), otherVariant)).ParamName);
    }

    [Fact]
    public void Backward_rejects_an_unrecorded_or_foreign_tape_and_wrong_lengths()
    {
        var cell = new GruRb7x13();
        cell.InitializeParameters(3);
        var tape = GruRb7x13.CreateTape(4, 2);
        var gradients = new float[GruRb7x13.ParameterCount];
        float[] Z(int n) => new float[n];

        var unrecorded = Assert.Throws<ArgumentException>(() => cell.Backward(tape, Z(4 * 2 * H), Z(2 * H), Z(4 * 2 * I), Z(2 * H), gradients));
        Assert.Equal("tape", unrecorded.ParamName);

        cell.Forward(3, 2, Z(3 * 2 * I), Z(2 * H), Z(3 * 2 * H), tape);

        Assert.Equal("outputGradients", Assert.ThrowsAny<ArgumentException>(() => cell.Backward(tape, Z(4 * 2 * H), Z(2 * H), Z(3 * 2 * I), Z(2 * H), gradients)).ParamName);
        Assert.Equal("finalHiddenGradient", Assert.ThrowsAny<ArgumentException>(() => cell.Backward(tape, Z(3 * 2 * H), Z(H), Z(3 * 2 * I), Z(2 * H), gradients)).ParamName);
        Assert.Equal("inputGradients", Assert.ThrowsAny<ArgumentException>(() => cell.Backward(tape, Z(3 * 2 * H), Z(2 * H), Z(4 * 2 * I), Z(2 * H), gradients)).ParamName);
        Assert.Equal("initialHiddenGradient", Assert.ThrowsAny<ArgumentException>(() => cell.Backward(tape, Z(3 * 2 * H), Z(2 * H), Z(3 * 2 * I), Z(3 * H), gradients)).ParamName);
        var error = Assert.ThrowsAny<ArgumentException>(() => cell.Backward(tape, Z(3 * 2 * H), Z(2 * H), Z(3 * 2 * I), Z(2 * H), Z(5)));
        Assert.Equal("parameterGradients", error.ParamName);
        Assert.Contains($"expected {GruRb7x13.ParameterCount}", error.Message, StringComparison.Ordinal);
        Assert.All(gradients, static g => Assert.Equal(0f, g));

        var foreign = Gru7x13.CreateTape(4, 2);
        Assert.Equal("tape", Assert.Throws<ArgumentException>(() => cell.Backward(foreign, Z(3 * 2 * H), Z(2 * H), Z(3 * 2 * I), Z(2 * H), gradients)).ParamName);
    }

    [Fact]
    public void Tape_requests_beyond_an_array_are_rejected()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Gru128x256.CreateTape(1_000_000, 1_000));
        Assert.Contains("more than one array can hold", error.Message, StringComparison.Ordinal);
        Assert.Equal("maxSteps", Assert.Throws<ArgumentOutOfRangeException>(() => Gru128x256.CreateTape(0, 1)).ParamName);
        Assert.Equal("maxBatch", Assert.Throws<ArgumentOutOfRangeException>(() => Gru128x256.CreateTape(1, 0)).ParamName);
    }

    [Fact]
    public void Import_and_export_reject_wrong_tensor_lengths_and_leave_parameters_untouched()
    {
        var cell = new Gru7x13();
        cell.InitializeParameters(9);
        var parameters = cell.Parameters.ToArray();
        var wih = new float[3 * H * I];
        var whh = new float[3 * H * H];
        var b = new float[3 * H];

        // LSTM-sized (4H) tensors are the likeliest mistake.
        var error = Assert.Throws<ArgumentException>(() => cell.ImportPyTorch(new float[4 * H * I], whh, b, b));
        Assert.Equal("weightIh", error.ParamName);
        Assert.Contains($"expected {3 * H * I}", error.Message, StringComparison.Ordinal);
        Assert.Equal("weightHh", Assert.Throws<ArgumentException>(() => cell.ImportPyTorch(wih, new float[3 * H * I], b, b)).ParamName);
        Assert.Equal("biasIh", Assert.Throws<ArgumentException>(() => cell.ImportPyTorch(wih, whh, new float[4 * H], b)).ParamName);
        Assert.Equal("biasHh", Assert.Throws<ArgumentException>(() => cell.ImportPyTorch(wih, whh, b, new float[(3 * H) - 1])).ParamName);
        Assert.Equal(parameters, cell.Parameters.ToArray());

        Assert.Equal("biasHh", Assert.Throws<ArgumentException>(() => cell.ExportPyTorch(wih, whh, b, new float[H])).ParamName);
        Assert.Equal("weightIh", Assert.Throws<ArgumentException>(() => cell.ExportPyTorch(new float[1], whh, b, b)).ParamName);
        Assert.Equal("row", Assert.Throws<ArgumentOutOfRangeException>(() => Gru7x13.WeightIndex(3 * H, 0)).ParamName);
        Assert.Equal("row", Assert.Throws<ArgumentOutOfRangeException>(() => Gru7x13.WeightIndex(-1, 0)).ParamName);
        Assert.Equal("column", Assert.Throws<ArgumentOutOfRangeException>(() => Gru7x13.WeightIndex(0, I + H)).ParamName);
        Assert.Equal("row", Assert.Throws<ArgumentOutOfRangeException>(() => Gru7x13.BiasIhIndex(3 * H)).ParamName);
        Assert.Equal("row", Assert.Throws<ArgumentOutOfRangeException>(() => Gru7x13.BiasHhIndex(-1)).ParamName);
    }
}

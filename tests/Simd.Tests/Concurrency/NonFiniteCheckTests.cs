using System;
using System.Linq;
using FsCheck;
using FsCheck.Xunit;
using Simd.Tests.Support;
using Xunit;

namespace Simd.Tests.Concurrency;

[LstmCell(7, 13)]
public sealed partial class CheckedLstm;

[GruCell(5, 11)]
public sealed partial class CheckedGru;

[RnnCell(6, 9)]
public sealed partial class CheckedRnn;

/// <summary>
/// The opt-in finite check (<c>CheckFinite</c>): the first NaN or infinity is reported with its cell, tensor, step,
/// sample and index; a bad input is reported before anything is written; off by default, values propagate.
/// </summary>
public sealed class NonFiniteCheckTests
{
    [Fact]
    public void A_bad_input_in_a_sequence_is_reported_by_step_sample_and_index_before_anything_is_written()
    {
        var cell = new CheckedLstm { CheckFinite = true };
        cell.InitializeParameters(3);
        const int Steps = 4, Batch = 3;
        var inputs = Enumerable.Range(0, Steps * Batch * CheckedLstm.InputSize).Select(static i => MathF.Sin(i)).ToArray();
        inputs[(((2 * Batch) + 1) * CheckedLstm.InputSize) + 3] = float.NaN;
        inputs[(((3 * Batch) + 0) * CheckedLstm.InputSize) + 0] = float.PositiveInfinity; // later in time: not the first
        float[] hidden = Enumerable.Repeat(0.25f, Batch * CheckedLstm.HiddenSize).ToArray(), state = Enumerable.Repeat(-0.5f, Batch * CheckedLstm.HiddenSize).ToArray();
        var outputs = Enumerable.Repeat(7f, Steps * Batch * CheckedLstm.HiddenSize).ToArray();

        var error = Assert.Throws<NonFiniteValueException>(() => cell.Forward(Steps, Batch, inputs, hidden, state, outputs, CheckedLstm.CreateTape(Steps, Batch)));

        Assert.Equal(("CheckedLstm", "inputs", 2, 1, 3), (error.Cell, error.Tensor, error.Step, error.Sample, error.Index));
        Assert.True(double.IsNaN(error.Value));
        Assert.All(hidden, static v => Assert.Equal(0.25f, v));
        Assert.All(state, static v => Assert.Equal(-0.5f, v));
        Assert.All(outputs, static v => Assert.Equal(7f, v));
    }

    [Fact]
    public void A_non_finite_weight_is_reported_where_it_first_reaches_the_state()
    {
        var cell = new CheckedLstm { CheckFinite = true };
        cell.InitializeParameters(4);
        const int H = CheckedLstm.HiddenSize, I = CheckedLstm.InputSize;
        float[] wih = new float[4 * H * I], whh = new float[4 * H * H], bih = new float[4 * H], bhh = new float[4 * H];
        cell.ExportPyTorch(wih, whh, bih, bhh);
        bih[5] = float.NaN; // the input gate of unit 5 (PyTorch order i, f, g, o)
        cell.ImportPyTorch(wih, whh, bih, bhh);

        var error = Assert.Throws<NonFiniteValueException>(() => cell.Step(new float[I], new float[H], new float[H]));

        Assert.Equal(("hidden", 0, 0, 5), (error.Tensor, error.Step, error.Sample, error.Index));
        Assert.Contains("CheckedLstm: hidden holds NaN at step 0, sample 0, index 5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_batched_step_names_the_sample_and_leaves_every_state_untouched()
    {
        var gru = new CheckedGru { CheckFinite = true };
        gru.InitializeParameters(5);
        const int Batch = 4;
        var inputs = new float[Batch * CheckedGru.InputSize];
        inputs[(2 * CheckedGru.InputSize) + 4] = float.NegativeInfinity;
        var hidden = Enumerable.Repeat(0.125f, Batch * CheckedGru.HiddenSize).ToArray();

        var error = Assert.Throws<NonFiniteValueException>(() => gru.StepBatch(inputs, hidden));

        Assert.Equal(("CheckedGru", "inputs", 0, 2, 4), (error.Cell, error.Tensor, error.Step, error.Sample, error.Index));
        Assert.Equal(double.NegativeInfinity, error.Value);
        Assert.All(hidden, static v => Assert.Equal(0.125f, v));
    }

    [Fact]
    public void A_sequence_whose_outputs_turn_non_finite_is_reported_at_the_first_such_step()
    {
        var rnn = new CheckedRnn { CheckFinite = true };
        rnn.InitializeParameters(6);
        const int H = CheckedRnn.HiddenSize, I = CheckedRnn.InputSize;
        float[] wih = new float[H * I], whh = new float[H * H], bih = new float[H], bhh = new float[H];
        rnn.ExportPyTorch(wih, whh, bih, bhh);
        wih[(4 * I) + 2] = float.NaN; // unit 4 reads input element 2 through a NaN weight
        rnn.ImportPyTorch(wih, whh, bih, bhh);
        const int Steps = 3, Batch = 2;
        var inputs = new float[Steps * Batch * I];
        var outputs = new float[Steps * Batch * H];

        var error = Assert.Throws<NonFiniteValueException>(() => rnn.Forward(Steps, Batch, inputs, new float[Batch * H], outputs, tape: null));

        // NaN · 0 is NaN, so the weight poisons unit 4 of every sample at the first step, even with zero inputs.
        Assert.Equal(("outputs", 0, 0, 4), (error.Tensor, error.Step, error.Sample, error.Index));
    }

    [Fact]
    public void Without_the_check_non_finite_values_propagate_silently()
    {
        var cell = new CheckedLstm();
        Assert.False(cell.CheckFinite);
        cell.InitializeParameters(7);
        var input = new float[CheckedLstm.InputSize];
        input[0] = float.NaN;
        float[] hidden = new float[CheckedLstm.HiddenSize], state = new float[CheckedLstm.HiddenSize];
        cell.Step(input, hidden, state);
        Assert.Contains(hidden, static v => float.IsNaN(v));
    }

    [Fact]
    public void The_check_allocates_nothing_on_finite_values()
    {
        var cell = new CheckedLstm { CheckFinite = true };
        cell.InitializeParameters(8);
        float[] input = new float[CheckedLstm.InputSize], hidden = new float[CheckedLstm.HiddenSize], state = new float[CheckedLstm.HiddenSize];
        Allocations.AssertNoneAfterWarmUp(() => cell.Step(input, hidden, state));
    }

    /// <summary>The scan finds the first non-finite value at any position of any length (vector body and tail alike).</summary>
    [Property(MaxTest = 300)]
    public void IndexOfFirst_finds_the_first_non_finite_value(PositiveInt length, NonNegativeInt first, NonNegativeInt kind)
    {
        var n = (length.Get % 70) + 1;
        var at = first.Get % (n + 1); // n means: every value finite
        var values = Enumerable.Range(0, n).Select(static i => (float)Math.Cos(i) * 1e30f).ToArray();
        var bad = (kind.Get % 3) switch { 0 => float.NaN, 1 => float.PositiveInfinity, _ => float.NegativeInfinity };
        if (at < n)
        {
            values[at] = bad;
            for (var later = at + 1; later < n; later += 3)
            {
                values[later] = float.NaN;
            }
        }

        Assert.Equal(at < n ? at : -1, NonFinite.IndexOfFirst<float>(values));
        Assert.Equal(at < n ? at : -1, NonFinite.IndexOfFirst<double>(values.Select(static v => (double)v).ToArray()));
    }
}

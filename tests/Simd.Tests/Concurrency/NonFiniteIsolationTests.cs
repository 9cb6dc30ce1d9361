using System;
using Xunit;

namespace Simd.Tests.Concurrency;

/// <summary>Batched cells of the isolation tests: sizes that are not multiples of any vector width.</summary>
[LstmCell(5, 7)]
public sealed partial class IsolationLstm;

/// <summary>A GRU for the isolation tests.</summary>
[GruCell(5, 7)]
public sealed partial class IsolationGru;

/// <summary>An RNN for the isolation tests.</summary>
[RnnCell(5, 7)]
public sealed partial class IsolationRnn;

/// <summary>
/// One agent's NaN or infinity in a batched step stays in that agent: every other agent's new state is bit for bit
/// what the same batch gives when the poisoned agent's input is finite. (Each sample's state depends only on its own
/// input and state; the batch shares weights, never sums across samples.)
/// </summary>
public sealed class NonFiniteIsolationTests
{
    private const int Batch = 9, Steps = 20;

    public static TheoryData<float> Poisons => new() { float.NaN, float.PositiveInfinity, float.NegativeInfinity };

    [Theory]
    [MemberData(nameof(Poisons))]
    public void An_lstm_agent_s_poison_stays_in_that_agent(float poison)
    {
        var cell = new IsolationLstm();
        cell.InitializeParameters(3);
        RunBoth(IsolationLstm.InputSize, IsolationLstm.HiddenSize, poison, withCell: true,
            (x, h, c) => cell.StepBatch(x, h, c));
    }

    [Theory]
    [MemberData(nameof(Poisons))]
    public void A_gru_agent_s_poison_stays_in_that_agent(float poison)
    {
        var cell = new IsolationGru();
        cell.InitializeParameters(4);
        RunBoth(IsolationGru.InputSize, IsolationGru.HiddenSize, poison, withCell: false, (x, h, _) => cell.StepBatch(x, h));
    }

    [Theory]
    [MemberData(nameof(Poisons))]
    public void An_rnn_agent_s_poison_stays_in_that_agent(float poison)
    {
        var cell = new IsolationRnn();
        cell.InitializeParameters(5);
        RunBoth(IsolationRnn.InputSize, IsolationRnn.HiddenSize, poison, withCell: false, (x, h, _) => cell.StepBatch(x, h));
    }

    private delegate void BatchStep(float[] inputs, float[] hidden, float[] cell);

    // Steps the same batch twice, once with one agent's input holding `poison` from step 5 on, and compares every
    // other agent's state after every step, bit for bit.
    private static void RunBoth(int inputSize, int hiddenSize, float poison, bool withCell, BatchStep step)
    {
        const int poisoned = 4;
        var random = new Random(11);
        float[] hClean = new float[Batch * hiddenSize], cClean = new float[Batch * hiddenSize];
        float[] hDirty = new float[Batch * hiddenSize], cDirty = new float[Batch * hiddenSize];
        var x = new float[Batch * inputSize];
        for (var t = 0; t < Steps; t++)
        {
            for (var i = 0; i < x.Length; i++)
            {
                x[i] = (float)(random.NextDouble() - 0.5);
            }

            step(x, hClean, cClean);
            if (t >= 5)
            {
                x[(poisoned * inputSize) + (t % inputSize)] = poison;
            }

            step(x, hDirty, cDirty);
            for (var b = 0; b < Batch; b++)
            {
                if (b == poisoned)
                {
                    continue;
                }

                Assert.Equal(hClean.AsSpan(b * hiddenSize, hiddenSize).ToArray(), hDirty.AsSpan(b * hiddenSize, hiddenSize).ToArray());
                if (withCell)
                {
                    Assert.Equal(cClean.AsSpan(b * hiddenSize, hiddenSize).ToArray(), cDirty.AsSpan(b * hiddenSize, hiddenSize).ToArray());
                }
            }

            // The poison did reach its own agent: a NaN input makes its state NaN (an infinity may saturate to finite).
            if (t >= 5 && float.IsNaN(poison))
            {
                Assert.Contains(hDirty.AsSpan(poisoned * hiddenSize, hiddenSize).ToArray(), float.IsNaN);
            }

            // Sync the poisoned agent back to the clean run, so each step poisons it afresh from a finite state.
            hClean.AsSpan(poisoned * hiddenSize, hiddenSize).CopyTo(hDirty.AsSpan(poisoned * hiddenSize, hiddenSize));
            cClean.AsSpan(poisoned * hiddenSize, hiddenSize).CopyTo(cDirty.AsSpan(poisoned * hiddenSize, hiddenSize));
        }
    }
}

using System;
using Simd.Tests.Support;
using Xunit;

namespace Simd.Tests;

/// <summary>
/// After warm-up, no GRU or RNN hot path allocates: step, batched step, sequence forward (with and without tape) and
/// backward.
/// </summary>
public sealed class HiddenStateAllocationTests
{
    [Fact]
    public void Gru_reset_after_hot_paths_allocate_nothing_after_warm_up()
    {
        AssertNoAllocation(new Gru32x64(), steps: 16, batch: 9);
        AssertNoAllocation(new Gru17x31(), steps: 5, batch: 3);
        AssertNoAllocation(new Gru128x256(), steps: 3, batch: 5);
        AssertNoAllocation(new Gru33x65D(), steps: 4, batch: 6);
    }

    [Fact]
    public void Gru_reset_before_hot_paths_allocate_nothing_after_warm_up()
    {
        AssertNoAllocation(new GruRb17x31(), steps: 5, batch: 7);
        AssertNoAllocation(new GruRb9x42D(), steps: 4, batch: 3);
    }

    [Fact]
    public void Rnn_hot_paths_allocate_nothing_after_warm_up()
    {
        AssertNoAllocation(new Rnn32x64(), steps: 16, batch: 9);
        AssertNoAllocation(new Rnn17x31(), steps: 5, batch: 3);
        AssertNoAllocation(new Rnn128x256(), steps: 3, batch: 5);
        AssertNoAllocation(new RnnRelu9x42(), steps: 4, batch: 7);
        AssertNoAllocation(new Rnn33x65D(), steps: 4, batch: 6);
        AssertNoAllocation(new RnnRelu17x31D(), steps: 3, batch: 2);
    }

    private static void AssertNoAllocation<T>(IHiddenStateCell<T> cell, int steps, int batch)
        where T : unmanaged
    {
        int I = cell.InputSize, H = cell.HiddenSize;
        cell.InitializeParameters(5);
        var tape = cell.CreateTape(steps, batch);
        var x = new T[steps * batch * I];
        var hidden = new T[batch * H];
        var outputs = new T[steps * batch * H];
        var dOut = new T[steps * batch * H];
        var dx = new T[steps * batch * I];
        var dh0 = new T[batch * H];
        var gradients = new T[cell.ParameterCount];

        void RunAll()
        {
            cell.Step(x.AsSpan(0, I), hidden.AsSpan(0, H));
            cell.StepBatch(x.AsSpan(0, batch * I), hidden);
            cell.Forward(steps, batch, x, hidden, outputs, null);
            cell.Forward(steps, batch, x, hidden, outputs, tape);
            cell.Backward(tape, dOut, dh0, dx, dh0, gradients);
        }

        Allocations.AssertNoneAfterWarmUp(RunAll);
    }
}

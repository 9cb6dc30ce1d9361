using System;
using Simd.Tests.Support;
using Xunit;

namespace Simd.Tests;

/// <summary>After warm-up, no hot path allocates: step, batched step, sequence forward (with and without tape) and backward.</summary>
public sealed class AllocationTests
{
    [Fact]
    public void Hot_paths_allocate_nothing_after_warm_up()
    {
        AssertNoAllocation(new Lstm32x64(), steps: 16, batch: 9);
        AssertNoAllocation(new Lstm17x31(), steps: 5, batch: 3);
        AssertNoAllocation(new Lstm128x256(), steps: 3, batch: 5);
    }

    [Fact]
    public void Double_cells_allocate_nothing_after_warm_up()
    {
        AssertNoAllocation(new Lstm33x65D(), steps: 4, batch: 6);
    }

    private static void AssertNoAllocation<T>(ILstmCell<T> cell, int steps, int batch)
        where T : unmanaged
    {
        int I = cell.InputSize, H = cell.HiddenSize;
        cell.InitializeParameters(5);
        var tape = cell.CreateTape(steps, batch);
        var x = new T[steps * batch * I];
        var hidden = new T[batch * H];
        var state = new T[batch * H];
        var outputs = new T[steps * batch * H];
        var dOut = new T[steps * batch * H];
        var dx = new T[steps * batch * I];
        var dh0 = new T[batch * H];
        var dc0 = new T[batch * H];
        var gradients = new T[cell.ParameterCount];

        void RunAll()
        {
            cell.Step(x.AsSpan(0, I), hidden.AsSpan(0, H), state.AsSpan(0, H));
            cell.StepBatch(x.AsSpan(0, batch * I), hidden, state);
            cell.Forward(steps, batch, x, hidden, state, outputs, null);
            cell.Forward(steps, batch, x, hidden, state, outputs, tape);
            cell.Backward(tape, dOut, dh0, dc0, dx, dh0, dc0, gradients);
        }

        Allocations.AssertNoneAfterWarmUp(RunAll);
    }
}

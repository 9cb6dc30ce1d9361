using System;

namespace Simd.Tests.Support;

/// <summary>
/// One calling convention for every layered network in the tests: LSTM networks take the cell-state spans, GRU and
/// RNN networks ignore them.
/// </summary>
internal sealed class NetworkUnderTest<T>
    where T : unmanaged
{
    public NetworkUnderTest(NetworkKind kind, IRecurrentNetwork<T> network)
    {
        Kind = kind;
        Network = network;
    }

    public NetworkKind Kind { get; }

    public IRecurrentNetwork<T> Network { get; }

    public void Forward(int steps, int batch, ReadOnlySpan<T> inputs, Span<T> hidden, Span<T> cell, Span<T> outputs, Tape<T> tape)
    {
        if (Network is ILstmNetwork<T> lstm)
        {
            lstm.Forward(steps, batch, inputs, hidden, cell, outputs, tape);
        }
        else
        {
            ((IHiddenStateNetwork<T>)Network).Forward(steps, batch, inputs, hidden, outputs, tape);
        }
    }

    public void Backward(Tape<T> tape, ReadOnlySpan<T> dOut, ReadOnlySpan<T> dhT, ReadOnlySpan<T> dcT, Span<T> dx, Span<T> dh0, Span<T> dc0, Span<T> gradients)
    {
        if (Network is ILstmNetwork<T> lstm)
        {
            lstm.Backward(tape, dOut, dhT, dcT, dx, dh0, dc0, gradients);
        }
        else
        {
            ((IHiddenStateNetwork<T>)Network).Backward(tape, dOut, dhT, dx, dh0, gradients);
        }
    }
}

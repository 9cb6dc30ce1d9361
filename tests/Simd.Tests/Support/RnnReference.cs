using System;

namespace Simd.Tests.Support;

/// <summary>
/// A plain, loop-by-loop vanilla RNN in double precision over PyTorch's <c>nn.RNN</c> tensors, written from the
/// equation h' = act(W_ih x + b_ih + W_hh h + b_hh) and independent of the generator: the oracle every generated RNN
/// cell is checked against.
/// </summary>
internal sealed class RnnReference
{
    public RnnReference(int inputSize, int hiddenSize, bool relu, double[] weightIh, double[] weightHh, double[] biasIh, double[] biasHh)
    {
        I = inputSize;
        H = hiddenSize;
        Relu = relu;
        WeightIh = weightIh;
        WeightHh = weightHh;
        BiasIh = biasIh;
        BiasHh = biasHh;
    }

    public int I { get; }

    public int H { get; }

    public bool Relu { get; }

    public double[] WeightIh { get; }

    public double[] WeightHh { get; }

    public double[] BiasIh { get; }

    public double[] BiasHh { get; }

    /// <summary>The pre-activation of hidden unit <paramref name="unit"/> for input x and previous state h.</summary>
    public double PreActivation(int unit, ReadOnlySpan<double> x, ReadOnlySpan<double> h)
    {
        var sum = BiasIh[unit] + BiasHh[unit];
        for (var k = 0; k < I; k++)
        {
            sum += WeightIh[(unit * I) + k] * x[k];
        }

        for (var k = 0; k < H; k++)
        {
            sum += WeightHh[(unit * H) + k] * h[k];
        }

        return sum;
    }

    public double Activate(double pre) => Relu ? Math.Max(pre, 0) : Math.Tanh(pre);

    /// <summary>One step of one sample: returns h' (h is not changed), and the pre-activations if asked.</summary>
    public double[] Step(ReadOnlySpan<double> x, ReadOnlySpan<double> h, Span<double> preActivations = default)
    {
        var next = new double[H];
        for (var unit = 0; unit < H; unit++)
        {
            var pre = PreActivation(unit, x, h);
            if (!preActivations.IsEmpty)
            {
                preActivations[unit] = pre;
            }

            next[unit] = Activate(pre);
        }

        return next;
    }

    /// <summary>
    /// T steps over B samples, time-major; returns h_1..h_T, leaves the final state in h and, when
    /// <paramref name="preActivations"/> is not empty, writes every pre-activation there ([T, B, H]).
    /// </summary>
    public double[] Forward(int steps, int batch, ReadOnlySpan<double> inputs, Span<double> h, Span<double> preActivations = default)
    {
        var outputs = new double[steps * batch * H];
        for (var t = 0; t < steps; t++)
        {
            for (var s = 0; s < batch; s++)
            {
                var row = (t * batch) + s;
                var pre = preActivations.IsEmpty ? default : preActivations.Slice(row * H, H);
                var next = Step(inputs.Slice(row * I, I), h.Slice(s * H, H), pre);
                next.CopyTo(h.Slice(s * H, H));
                next.CopyTo(outputs.AsSpan(row * H, H));
            }
        }

        return outputs;
    }
}

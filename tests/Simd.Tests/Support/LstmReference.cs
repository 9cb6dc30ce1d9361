using System;

namespace Simd.Tests.Support;

/// <summary>
/// A plain, loop-by-loop LSTM in double precision over PyTorch's tensors (gate order i, f, g, o), written from the
/// equations and independent of the generator: the oracle every generated cell is checked against.
/// </summary>
internal sealed class LstmReference
{
    public LstmReference(int inputSize, int hiddenSize, double[] weightIh, double[] weightHh, double[] biasIh, double[] biasHh)
    {
        I = inputSize;
        H = hiddenSize;
        WeightIh = weightIh;
        WeightHh = weightHh;
        BiasIh = biasIh;
        BiasHh = biasHh;
    }

    public int I { get; }

    public int H { get; }

    public double[] WeightIh { get; }

    public double[] WeightHh { get; }

    public double[] BiasIh { get; }

    public double[] BiasHh { get; }

    /// <summary>One step of one sample: h and c are replaced.</summary>
    public void Step(ReadOnlySpan<double> x, Span<double> h, Span<double> c)
    {
        var gates = new double[4 * H];
        for (var row = 0; row < 4 * H; row++)
        {
            var sum = BiasIh[row] + BiasHh[row];
            for (var k = 0; k < I; k++)
            {
                sum += WeightIh[(row * I) + k] * x[k];
            }

            for (var k = 0; k < H; k++)
            {
                sum += WeightHh[(row * H) + k] * h[k];
            }

            gates[row] = sum;
        }

        for (var j = 0; j < H; j++)
        {
            var i = Sigmoid(gates[j]);
            var f = Sigmoid(gates[H + j]);
            var g = Math.Tanh(gates[(2 * H) + j]);
            var o = Sigmoid(gates[(3 * H) + j]);
            c[j] = (f * c[j]) + (i * g);
            h[j] = o * Math.Tanh(c[j]);
        }
    }

    /// <summary>T steps over B samples, time-major; returns h_1..h_T and leaves the final state in h and c.</summary>
    public double[] Forward(int steps, int batch, ReadOnlySpan<double> inputs, Span<double> h, Span<double> c)
    {
        var outputs = new double[steps * batch * H];
        for (var t = 0; t < steps; t++)
        {
            for (var s = 0; s < batch; s++)
            {
                Step(inputs.Slice(((t * batch) + s) * I, I), h.Slice(s * H, H), c.Slice(s * H, H));
                h.Slice(s * H, H).CopyTo(outputs.AsSpan(((t * batch) + s) * H, H));
            }
        }

        return outputs;
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));
}

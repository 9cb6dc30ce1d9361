using System;

namespace Simd.Tests.Support;

/// <summary>
/// A plain, loop-by-loop LSTM with a projection (PyTorch's <c>nn.LSTM(proj_size=P)</c>) in double precision, written
/// from the equations and independent of the generator: gates from x (I) and h (P), c' = f⊙c + i⊙g (H elements),
/// h' = W_hr (o ⊙ tanh c') with W_hr of shape [P, H].
/// </summary>
internal sealed class LstmProjectionReference
{
    public LstmProjectionReference(int inputSize, int hiddenSize, int projectionSize, double[] weightIh, double[] weightHh, double[] biasIh, double[] biasHh, double[] weightHr)
    {
        I = inputSize;
        H = hiddenSize;
        P = projectionSize;
        WeightIh = weightIh;
        WeightHh = weightHh;
        BiasIh = biasIh;
        BiasHh = biasHh;
        WeightHr = weightHr;
    }

    public int I { get; }

    public int H { get; }

    public int P { get; }

    public double[] WeightIh { get; }

    /// <summary>[4H, P] row-major.</summary>
    public double[] WeightHh { get; }

    public double[] BiasIh { get; }

    public double[] BiasHh { get; }

    /// <summary>[P, H] row-major.</summary>
    public double[] WeightHr { get; }

    /// <summary>One step of one sample: h (P long) and c (H long) are replaced.</summary>
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

            for (var k = 0; k < P; k++)
            {
                sum += WeightHh[(row * P) + k] * h[k];
            }

            gates[row] = sum;
        }

        var r = new double[H];
        for (var j = 0; j < H; j++)
        {
            var i = Sigmoid(gates[j]);
            var f = Sigmoid(gates[H + j]);
            var g = Math.Tanh(gates[(2 * H) + j]);
            var o = Sigmoid(gates[(3 * H) + j]);
            c[j] = (f * c[j]) + (i * g);
            r[j] = o * Math.Tanh(c[j]);
        }

        for (var p = 0; p < P; p++)
        {
            var sum = 0.0;
            for (var j = 0; j < H; j++)
            {
                sum += WeightHr[(p * H) + j] * r[j];
            }

            h[p] = sum;
        }
    }

    /// <summary>T steps over B samples, time-major; returns h_1..h_T ([T, B, P]) and leaves the final state in h and c.</summary>
    public double[] Forward(int steps, int batch, ReadOnlySpan<double> inputs, Span<double> h, Span<double> c)
    {
        var outputs = new double[steps * batch * P];
        for (var t = 0; t < steps; t++)
        {
            for (var s = 0; s < batch; s++)
            {
                Step(inputs.Slice(((t * batch) + s) * I, I), h.Slice(s * P, P), c.Slice(s * H, H));
                h.Slice(s * P, P).CopyTo(outputs.AsSpan(((t * batch) + s) * P, P));
            }
        }

        return outputs;
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));
}

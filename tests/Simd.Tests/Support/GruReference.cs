using System;
using System.Linq;

namespace Simd.Tests.Support;

/// <summary>
/// A plain, loop-by-loop GRU in double precision over PyTorch's tensors (gate order r, z, n), written from the
/// equations and independent of the generator: the oracle every generated GRU cell is checked against.
/// </summary>
internal sealed class GruReference
{
    public GruReference(int inputSize, int hiddenSize, bool resetBefore, double[] weightIh, double[] weightHh, double[] biasIh, double[] biasHh)
    {
        I = inputSize;
        H = hiddenSize;
        ResetBefore = resetBefore;
        WeightIh = weightIh;
        WeightHh = weightHh;
        BiasIh = biasIh;
        BiasHh = biasHh;
    }

    public int I { get; }

    public int H { get; }

    /// <summary>True: n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn). False: n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)).</summary>
    public bool ResetBefore { get; }

    public double[] WeightIh { get; }

    public double[] WeightHh { get; }

    public double[] BiasIh { get; }

    public double[] BiasHh { get; }

    /// <summary>One step of one sample: h is replaced.</summary>
    public void Step(ReadOnlySpan<double> x, Span<double> h)
    {
        var r = new double[H];
        var z = new double[H];
        for (var unit = 0; unit < H; unit++)
        {
            r[unit] = Sigmoid(InputProduct(unit, x) + HiddenProduct(unit, h));
            z[unit] = Sigmoid(InputProduct(H + unit, x) + HiddenProduct(H + unit, h));
        }

        var resetHidden = new double[H];
        for (var k = 0; k < H; k++)
        {
            resetHidden[k] = r[k] * h[k];
        }

        var next = new double[H];
        for (var unit = 0; unit < H; unit++)
        {
            var row = (2 * H) + unit;
            var recurrent = ResetBefore ? HiddenProduct(row, resetHidden) : r[unit] * HiddenProduct(row, h);
            var n = Math.Tanh(InputProduct(row, x) + recurrent);
            next[unit] = ((1 - z[unit]) * n) + (z[unit] * h[unit]);
        }

        next.CopyTo(h);
    }

    /// <summary>Runs T steps over B samples (time-major); h is [B, H] and ends as h_T. Returns h_1..h_T, [T, B, H].</summary>
    public double[] Forward(int steps, int batch, double[] inputs, double[] h)
    {
        var outputs = new double[steps * batch * H];
        for (var t = 0; t < steps; t++)
        {
            for (var s = 0; s < batch; s++)
            {
                Step(inputs.AsSpan(((t * batch) + s) * I, I), h.AsSpan(s * H, H));
                h.AsSpan(s * H, H).CopyTo(outputs.AsSpan(((t * batch) + s) * H));
            }
        }

        return outputs;
    }

    /// <summary>W_ih[row] · x + b_ih[row].</summary>
    private double InputProduct(int row, ReadOnlySpan<double> x)
    {
        var sum = BiasIh[row];
        for (var k = 0; k < I; k++)
        {
            sum += WeightIh[(row * I) + k] * x[k];
        }

        return sum;
    }

    /// <summary>W_hh[row] · v + b_hh[row].</summary>
    private double HiddenProduct(int row, ReadOnlySpan<double> v)
    {
        var sum = BiasHh[row];
        for (var k = 0; k < H; k++)
        {
            sum += WeightHh[(row * H) + k] * v[k];
        }

        return sum;
    }

    private static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));
}

/// <summary>A random GRU problem: weights in PyTorch layout, a sequence batch and an initial state, all in double.</summary>
internal sealed class GruCase : IHiddenStateCase
{
    public GruCase(int inputSize, int hiddenSize, int steps, int batch, int seed)
    {
        var random = new Random(seed);
        I = inputSize;
        H = hiddenSize;
        Steps = steps;
        Batch = batch;

        // Weight scale varies from small to saturating so that gates are exercised across their range.
        var scale = new[] { 0.3, 1.0, 3.0 }[random.Next(3)] / Math.Sqrt(hiddenSize);
        WeightIh = Uniform(random, 3 * H * I, scale);
        WeightHh = Uniform(random, 3 * H * H, scale);
        BiasIh = Uniform(random, 3 * H, scale);
        BiasHh = Uniform(random, 3 * H, scale);
        Inputs = Uniform(random, steps * batch * I, 1.5);
        Hidden0 = Uniform(random, batch * H, 1);
        OutputGradients = Uniform(random, steps * batch * H, 1);
        FinalHiddenGradient = Uniform(random, batch * H, 1);
    }

    public int I { get; }

    public int H { get; }

    public int Steps { get; }

    public int Batch { get; }

    public double[] WeightIh { get; }

    public double[] WeightHh { get; }

    public double[] BiasIh { get; }

    public double[] BiasHh { get; }

    public double[] Inputs { get; }

    public double[] Hidden0 { get; }

    public double[] OutputGradients { get; }

    public double[] FinalHiddenGradient { get; }

    /// <summary>
    /// The largest Σ|term| of any gate pre-activation: Σ|W_ih|·max|x| + Σ|W_hh|·max|h| + |b_ih| + |b_hh| over a row,
    /// with |h| ≤ 1 (h0 is drawn from (−1, 1), and each h' is a convex combination of h and n ∈ (−1, 1)); the reset
    /// gate only scales the recurrent terms down. Rounding errors of a sum scale with it.
    /// </summary>
    public double PreactivationMagnitude()
    {
        var maxInput = Inputs.Length == 0 ? 0 : Inputs.Max(Math.Abs);
        var worst = 0.0;
        for (var row = 0; row < 3 * H; row++)
        {
            var sum = Math.Abs(BiasIh[row]) + Math.Abs(BiasHh[row]);
            for (var k = 0; k < I; k++)
            {
                sum += Math.Abs(WeightIh[(row * I) + k]) * maxInput;
            }

            for (var k = 0; k < H; k++)
            {
                sum += Math.Abs(WeightHh[(row * H) + k]);
            }

            worst = Math.Max(worst, sum);
        }

        return worst;
    }

    /// <summary>
    /// Forward tolerance for a cell whose arithmetic has unit roundoff <paramref name="unitRoundoff"/> and whose
    /// activations are accurate to <paramref name="activationError"/>. A pre-activation sums I+H+2 terms whose
    /// rounding errors add like a random walk, about u·√(I+H+2)·Σ|term|; the activations add their own error; the
    /// state update (1 − z)·n + z·h adds a few roundings of values ≤ 1 per step. A factor of 4 covers the gate
    /// products, the recurrence and the spread of the random walk, as for the LSTM.
    /// </summary>
    public double ForwardTolerance(double unitRoundoff, double activationError) =>
        4 * ((unitRoundoff * Math.Sqrt(I + H + 2) * PreactivationMagnitude()) + activationError + (unitRoundoff * Steps));

    public GruReference Reference(bool resetBefore) => new(I, H, resetBefore, WeightIh, WeightHh, BiasIh, BiasHh);

    public void Load(IHiddenStateCell<float> cell) =>
        cell.ImportPyTorch(ToFloat(WeightIh), ToFloat(WeightHh), ToFloat(BiasIh), ToFloat(BiasHh));

    public void Load(IHiddenStateCell<double> cell) => cell.ImportPyTorch(WeightIh, WeightHh, BiasIh, BiasHh);

    public static float[] ToFloat(double[] values) => values.Select(static v => (float)v).ToArray();

    public override string ToString() => $"I={I} H={H} T={Steps} B={Batch}";

    private static double[] Uniform(Random random, int count, double bound) =>
        Enumerable.Range(0, count).Select(_ => ((2 * random.NextDouble()) - 1) * bound).ToArray();
}

using System;
using System.Linq;

namespace Simd.Tests.Support;

/// <summary>A random LSTM problem: weights in PyTorch layout, a sequence batch and an initial state, all in double.</summary>
internal sealed class LstmCase
{
    public LstmCase(int inputSize, int hiddenSize, int steps, int batch, int seed)
    {
        var random = new Random(seed);
        I = inputSize;
        H = hiddenSize;
        Steps = steps;
        Batch = batch;

        // Weight scale varies from small to saturating so that gates are exercised across their range.
        var scale = new[] { 0.3, 1.0, 3.0 }[random.Next(3)] / Math.Sqrt(hiddenSize);
        WeightIh = Uniform(random, 4 * H * I, scale);
        WeightHh = Uniform(random, 4 * H * H, scale);
        BiasIh = Uniform(random, 4 * H, scale);
        BiasHh = Uniform(random, 4 * H, scale);
        Inputs = Uniform(random, steps * batch * I, 1.5);
        Hidden0 = Uniform(random, batch * H, 1);
        Cell0 = Uniform(random, batch * H, 2);
        OutputGradients = Uniform(random, steps * batch * H, 1);
        FinalHiddenGradient = Uniform(random, batch * H, 1);
        FinalCellGradient = Uniform(random, batch * H, 1);
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

    public double[] Cell0 { get; }

    public double[] OutputGradients { get; }

    public double[] FinalHiddenGradient { get; }

    public double[] FinalCellGradient { get; }

    /// <summary>
    /// The largest Σ|term| of any gate pre-activation: Σ|W_ih|·max|x| + Σ|W_hh|·max|h| + |b_ih| + |b_hh| over a row,
    /// with |h| ≤ 1 (h0 is drawn from (−1, 1) and later h = o·tanh c). Rounding errors of a sum scale with it.
    /// </summary>
    public double PreactivationMagnitude()
    {
        var maxInput = Inputs.Length == 0 ? 0 : Inputs.Max(Math.Abs);
        var worst = 0.0;
        for (var row = 0; row < 4 * H; row++)
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
    /// cell state, which grows by at most 1 a step from |c0|, is rounded relative to its size every step. A factor of
    /// 4 covers the gate products, the recurrence and the spread of the random walk (observed errors stay 8–60× below).
    /// </summary>
    public double ForwardTolerance(double unitRoundoff, double activationError)
    {
        var cellBound = Cell0.Max(Math.Abs) + Steps;
        return 4 * ((unitRoundoff * Math.Sqrt(I + H + 2) * PreactivationMagnitude()) + activationError + (unitRoundoff * Steps * cellBound));
    }

    public LstmReference Reference() => new(I, H, WeightIh, WeightHh, BiasIh, BiasHh);

    public void Load(ILstmCell<float> cell) =>
        cell.ImportPyTorch(ToFloat(WeightIh), ToFloat(WeightHh), ToFloat(BiasIh), ToFloat(BiasHh));

    public void Load(ILstmCell<double> cell) => cell.ImportPyTorch(WeightIh, WeightHh, BiasIh, BiasHh);

    public static float[] ToFloat(double[] values) => values.Select(static v => (float)v).ToArray();

    public override string ToString() => $"I={I} H={H} T={Steps} B={Batch}";

    private static double[] Uniform(Random random, int count, double bound) =>
        Enumerable.Range(0, count).Select(_ => ((2 * random.NextDouble()) - 1) * bound).ToArray();
}

using System;
using System.Linq;

namespace Simd.Tests.Support;

/// <summary>
/// A random projected-LSTM problem: weights in PyTorch layout (including <c>weight_hr</c>), a sequence batch and an
/// initial state, all in double.
/// </summary>
internal sealed class LstmProjectionCase
{
    public LstmProjectionCase(int inputSize, int hiddenSize, int projectionSize, int steps, int batch, int seed)
    {
        var random = new Random(seed);
        I = inputSize;
        H = hiddenSize;
        P = projectionSize;
        Steps = steps;
        Batch = batch;

        // Weight scale varies from small to saturating so that gates are exercised across their range.
        var scale = new[] { 0.3, 1.0, 3.0 }[random.Next(3)] / Math.Sqrt(hiddenSize);
        WeightIh = Uniform(random, 4 * H * I, scale);
        WeightHh = Uniform(random, 4 * H * P, scale);
        BiasIh = Uniform(random, 4 * H, scale);
        BiasHh = Uniform(random, 4 * H, scale);
        WeightHr = Uniform(random, P * H, scale);
        Inputs = Uniform(random, steps * batch * I, 1.5);
        Hidden0 = Uniform(random, batch * P, 1);
        Cell0 = Uniform(random, batch * H, 2);
        OutputGradients = Uniform(random, steps * batch * P, 1);
        FinalHiddenGradient = Uniform(random, batch * P, 1);
        FinalCellGradient = Uniform(random, batch * H, 1);
    }

    public int I { get; }

    public int H { get; }

    public int P { get; }

    public int Steps { get; }

    public int Batch { get; }

    public double[] WeightIh { get; }

    public double[] WeightHh { get; }

    public double[] BiasIh { get; }

    public double[] BiasHh { get; }

    public double[] WeightHr { get; }

    public double[] Inputs { get; }

    public double[] Hidden0 { get; }

    public double[] Cell0 { get; }

    public double[] OutputGradients { get; }

    public double[] FinalHiddenGradient { get; }

    public double[] FinalCellGradient { get; }

    /// <summary>
    /// The largest |h| can be: h0 is drawn from (−1, 1) and later h = W_hr r with |r| = |o·tanh c| ≤ 1, so a row of
    /// W_hr bounds it by Σ|W_hr[p, ·]|.
    /// </summary>
    public double HiddenBound()
    {
        var worst = 1.0;
        for (var p = 0; p < P; p++)
        {
            worst = Math.Max(worst, Enumerable.Range(0, H).Sum(j => Math.Abs(WeightHr[(p * H) + j])));
        }

        return worst;
    }

    /// <summary>The largest Σ|term| of any gate pre-activation: Σ|W_ih|·max|x| + Σ|W_hh|·max|h| + |b_ih| + |b_hh|.</summary>
    public double PreactivationMagnitude()
    {
        var maxInput = Inputs.Length == 0 ? 0 : Inputs.Max(Math.Abs);
        var maxHidden = HiddenBound();
        var worst = 0.0;
        for (var row = 0; row < 4 * H; row++)
        {
            var sum = Math.Abs(BiasIh[row]) + Math.Abs(BiasHh[row]);
            for (var k = 0; k < I; k++)
            {
                sum += Math.Abs(WeightIh[(row * I) + k]) * maxInput;
            }

            for (var k = 0; k < P; k++)
            {
                sum += Math.Abs(WeightHh[(row * P) + k]) * maxHidden;
            }

            worst = Math.Max(worst, sum);
        }

        return worst;
    }

    /// <summary>
    /// Forward tolerance, the plain LSTM's bound (see <see cref="LstmCase.ForwardTolerance"/>) carried through the
    /// projection: an error e in r = o ⊙ tanh c reaches h amplified by at most Σ|W_hr[p, ·]| (<see cref="HiddenBound"/>),
    /// and the projection's own H-term sum adds u·√(H+1)·Σ|W_hr[p, ·]|. The factor 4 again covers gate products,
    /// the recurrence and the random-walk spread.
    /// </summary>
    public double ForwardTolerance(double unitRoundoff, double activationError)
    {
        var cellBound = Cell0.Max(Math.Abs) + Steps;
        var cellError = (unitRoundoff * Math.Sqrt(I + P + 2) * PreactivationMagnitude()) + activationError + (unitRoundoff * Steps * cellBound);
        return 4 * HiddenBound() * (cellError + (unitRoundoff * Math.Sqrt(H + 1)));
    }

    public LstmProjectionReference Reference() => new(I, H, P, WeightIh, WeightHh, BiasIh, BiasHh, WeightHr);

    public void Load(IProjectedLstmCell<float> cell) =>
        cell.ImportPyTorch(LstmCase.ToFloat(WeightIh), LstmCase.ToFloat(WeightHh), LstmCase.ToFloat(BiasIh), LstmCase.ToFloat(BiasHh), LstmCase.ToFloat(WeightHr));

    public void Load(IProjectedLstmCell<double> cell) => cell.ImportPyTorch(WeightIh, WeightHh, BiasIh, BiasHh, WeightHr);

    public override string ToString() => $"I={I} H={H} P={P} T={Steps} B={Batch}";

    private static double[] Uniform(Random random, int count, double bound) =>
        Enumerable.Range(0, count).Select(_ => ((2 * random.NextDouble()) - 1) * bound).ToArray();
}

using System;
using System.Linq;

namespace Simd.Tests.Support;

/// <summary>A random RNN problem: weights in PyTorch layout, a sequence batch and an initial state, all in double.</summary>
internal sealed class RnnCase : IHiddenStateCase
{
    public RnnCase(int inputSize, int hiddenSize, bool relu, int steps, int batch, int seed)
    {
        var random = new Random(seed);
        I = inputSize;
        H = hiddenSize;
        Relu = relu;
        Steps = steps;
        Batch = batch;

        // tanh weights range from small to saturating. ReLU has no saturation: at 3/√H its state would grow by up to
        // ~1.5√H a step, so ReLU cases stay at gains where sequences of 20 steps keep a loss of moderate size.
        var scales = relu ? new[] { 0.3, 1.0 } : new[] { 0.3, 1.0, 3.0 };
        var scale = scales[random.Next(scales.Length)] / Math.Sqrt(hiddenSize);
        WeightIh = Uniform(random, H * I, scale);
        WeightHh = Uniform(random, H * H, scale);
        BiasIh = Uniform(random, H, scale);
        BiasHh = Uniform(random, H, scale);
        Inputs = Uniform(random, steps * batch * I, 1.5);
        Hidden0 = Uniform(random, batch * H, 1);
        OutputGradients = Uniform(random, steps * batch * H, 1);
        FinalHiddenGradient = Uniform(random, batch * H, 1);
    }

    public int I { get; }

    public int H { get; }

    public bool Relu { get; }

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
    /// The largest Σ|term| of any pre-activation, Σ|W_ih|·max|x| + Σ|W_hh|·max|h| + |b_ih| + |b_hh| over a row, for
    /// states bounded by <paramref name="maxHidden"/>. Rounding errors of a sum scale with it.
    /// </summary>
    public double PreactivationMagnitude(double maxHidden)
    {
        var maxInput = Inputs.Length == 0 ? 0 : Inputs.Max(Math.Abs);
        var worst = 0.0;
        for (var row = 0; row < H; row++)
        {
            var sum = Math.Abs(BiasIh[row]) + Math.Abs(BiasHh[row]);
            for (var k = 0; k < I; k++)
            {
                sum += Math.Abs(WeightIh[(row * I) + k]) * maxInput;
            }

            for (var k = 0; k < H; k++)
            {
                sum += Math.Abs(WeightHh[(row * H) + k]) * maxHidden;
            }

            worst = Math.Max(worst, sum);
        }

        return worst;
    }

    /// <summary>
    /// Tolerance for one step computed from given (exact) inputs and state, with unit roundoff
    /// <paramref name="unitRoundoff"/> and activations accurate to <paramref name="activationError"/>. The pre-activation
    /// sums I+H+2 terms (each operand itself rounded once to the element type) whose errors add like a random walk,
    /// about u·√(I+H+2)·Σ|term|; both activations are 1-Lipschitz, so that error passes through undiminished, plus the
    /// activation's own. A factor of 4 covers the operand rounding and the spread of the random walk.
    /// </summary>
    public double StepTolerance(double unitRoundoff, double activationError, double maxHidden) =>
        4 * ((unitRoundoff * Math.Sqrt(I + H + 2) * PreactivationMagnitude(maxHidden)) + activationError);

    public RnnReference Reference() => new(I, H, Relu, WeightIh, WeightHh, BiasIh, BiasHh);

    public void Load(IHiddenStateCell<float> cell) =>
        cell.ImportPyTorch(ToFloat(WeightIh), ToFloat(WeightHh), ToFloat(BiasIh), ToFloat(BiasHh));

    public void Load(IHiddenStateCell<double> cell) => cell.ImportPyTorch(WeightIh, WeightHh, BiasIh, BiasHh);

    public static float[] ToFloat(double[] values) => values.Select(static v => (float)v).ToArray();

    public override string ToString() => $"I={I} H={H} {(Relu ? "relu" : "tanh")} T={Steps} B={Batch}";

    private static double[] Uniform(Random random, int count, double bound) =>
        Enumerable.Range(0, count).Select(_ => ((2 * random.NextDouble()) - 1) * bound).ToArray();
}

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

    public LstmReference Reference() => new(I, H, WeightIh, WeightHh, BiasIh, BiasHh);

    public void Load(ILstmCell<float> cell) =>
        cell.ImportPyTorch(ToFloat(WeightIh), ToFloat(WeightHh), ToFloat(BiasIh), ToFloat(BiasHh));

    public void Load(ILstmCell<double> cell) => cell.ImportPyTorch(WeightIh, WeightHh, BiasIh, BiasHh);

    public static float[] ToFloat(double[] values) => values.Select(static v => (float)v).ToArray();

    public static double[] ToDouble(float[] values) => values.Select(static v => (double)v).ToArray();

    public override string ToString() => $"I={I} H={H} T={Steps} B={Batch}";

    private static double[] Uniform(Random random, int count, double bound) =>
        Enumerable.Range(0, count).Select(_ => ((2 * random.NextDouble()) - 1) * bound).ToArray();
}

using System;

namespace Simd.Benchmarks;

/// <summary>
/// Plain scalar float GRU step over PyTorch-layout arrays (gate order r, z, n; reset after the recurrent product, as
/// <c>nn.GRU</c>): the baseline the generated cell is timed against. Deliberately naive (row-major loops,
/// <see cref="MathF"/> activations), but allocation-free after construction so the comparison measures arithmetic.
/// </summary>
public sealed class ScalarGru
{
    private readonly float[] _inputPart;     // W_ih·x + b_ih, [3H]
    private readonly float[] _hiddenPart;    // W_hh·h + b_hh, [3H]

    /// <summary>Creates a cell with zero parameters.</summary>
    /// <param name="inputSize">I.</param><param name="hiddenSize">H.</param>
    public ScalarGru(int inputSize, int hiddenSize)
    {
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        int g = 3 * hiddenSize;
        WeightIh = new float[g * inputSize];
        WeightHh = new float[g * hiddenSize];
        BiasIh = new float[g];
        BiasHh = new float[g];
        _inputPart = new float[g];
        _hiddenPart = new float[g];
    }

    /// <summary>I.</summary>
    public int InputSize { get; }

    /// <summary>H.</summary>
    public int HiddenSize { get; }

    /// <summary>PyTorch <c>weight_ih</c>, [3H, I], gate order r, z, n.</summary>
    public float[] WeightIh { get; }

    /// <summary>PyTorch <c>weight_hh</c>, [3H, H].</summary>
    public float[] WeightHh { get; }

    /// <summary>PyTorch <c>bias_ih</c>, [3H].</summary>
    public float[] BiasIh { get; }

    /// <summary>PyTorch <c>bias_hh</c>, [3H].</summary>
    public float[] BiasHh { get; }

    /// <summary>Fills all parameters from U(−1/√H, 1/√H), PyTorch's default, with a seeded generator.</summary>
    /// <param name="seed">Seed.</param>
    public void Initialize(int seed)
    {
        var random = new Random(seed);
        float bound = 1f / MathF.Sqrt(HiddenSize);
        ScalarLstm.Fill(random, WeightIh, bound);
        ScalarLstm.Fill(random, WeightHh, bound);
        ScalarLstm.Fill(random, BiasIh, bound);
        ScalarLstm.Fill(random, BiasHh, bound);
    }

    /// <summary>One step of one sample; <paramref name="hidden"/> is updated in place.</summary>
    /// <param name="input">[I].</param><param name="hidden">[H].</param>
    public void Step(ReadOnlySpan<float> input, Span<float> hidden)
    {
        int n = InputSize, h = HiddenSize;
        for (int row = 0; row < 3 * h; row++)
        {
            float a = BiasIh[row];
            for (int k = 0; k < n; k++)
            {
                a += WeightIh[(row * n) + k] * input[k];
            }

            float b = BiasHh[row];
            for (int k = 0; k < h; k++)
            {
                b += WeightHh[(row * h) + k] * hidden[k];
            }

            _inputPart[row] = a;
            _hiddenPart[row] = b;
        }

        for (int j = 0; j < h; j++)
        {
            float r = Sigmoid(_inputPart[j] + _hiddenPart[j]);
            float z = Sigmoid(_inputPart[h + j] + _hiddenPart[h + j]);
            float candidate = MathF.Tanh(_inputPart[(2 * h) + j] + (r * _hiddenPart[(2 * h) + j]));
            hidden[j] = ((1 - z) * candidate) + (z * hidden[j]);
        }
    }

    private static float Sigmoid(float v) => 1f / (1f + MathF.Exp(-v));
}

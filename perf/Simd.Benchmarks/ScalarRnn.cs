using System;

namespace Simd.Benchmarks;

/// <summary>
/// Plain scalar float vanilla RNN (tanh) over PyTorch-layout arrays: the baseline the generated RNN cells are timed
/// against. Deliberately naive (row-major loops, <see cref="MathF.Tanh"/>), but allocation-free after construction so
/// the comparison measures arithmetic, not the GC.
/// </summary>
public sealed class ScalarRnn
{
    private readonly float[] _z; // pre-activations of one sample, [H]

    /// <summary>Creates a cell with zero parameters.</summary>
    /// <param name="inputSize">I.</param><param name="hiddenSize">H.</param>
    public ScalarRnn(int inputSize, int hiddenSize)
    {
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        WeightIh = new float[hiddenSize * inputSize];
        WeightHh = new float[hiddenSize * hiddenSize];
        BiasIh = new float[hiddenSize];
        BiasHh = new float[hiddenSize];
        _z = new float[hiddenSize];
    }

    /// <summary>I.</summary>
    public int InputSize { get; }

    /// <summary>H.</summary>
    public int HiddenSize { get; }

    /// <summary>PyTorch <c>weight_ih</c>, [H, I].</summary>
    public float[] WeightIh { get; }

    /// <summary>PyTorch <c>weight_hh</c>, [H, H].</summary>
    public float[] WeightHh { get; }

    /// <summary>PyTorch <c>bias_ih</c>, [H].</summary>
    public float[] BiasIh { get; }

    /// <summary>PyTorch <c>bias_hh</c>, [H].</summary>
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

    /// <summary>One step of one sample: h' = tanh(W_ih x + b_ih + W_hh h + b_hh); <paramref name="hidden"/> is updated in place.</summary>
    /// <param name="input">[I].</param><param name="hidden">[H].</param>
    public void Step(ReadOnlySpan<float> input, Span<float> hidden)
    {
        int n = InputSize, h = HiddenSize;
        for (int row = 0; row < h; row++)
        {
            float sum = BiasIh[row] + BiasHh[row];
            for (int k = 0; k < n; k++)
            {
                sum += WeightIh[(row * n) + k] * input[k];
            }

            for (int k = 0; k < h; k++)
            {
                sum += WeightHh[(row * h) + k] * hidden[k];
            }

            _z[row] = sum;
        }

        for (int j = 0; j < h; j++)
        {
            hidden[j] = MathF.Tanh(_z[j]);
        }
    }
}

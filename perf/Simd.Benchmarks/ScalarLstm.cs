using System;

namespace Simd.Benchmarks;

/// <summary>
/// Plain scalar float LSTM over PyTorch-layout arrays: the reference the generated cells are verified against and
/// the baseline they are timed against. Deliberately naive (row-major loops, <see cref="MathF"/> activations), but
/// allocation-free after construction so the comparison measures arithmetic, not the GC.
/// </summary>
public sealed class ScalarLstm
{
    private readonly float[] _z;        // pre-activations of one sample, [4H]
    private readonly float[] _hs;       // h_0..h_T, [(T+1), B, H]
    private readonly float[] _cs;       // c_0..c_T, [(T+1), B, H]
    private readonly float[] _gates;    // activated gates i, f, g, o, [T, B, 4H]
    private readonly float[] _tanhC;    // tanh(c_t), [T, B, H]
    private readonly float[] _dh;       // running dL/dh, [B, H]
    private readonly float[] _dc;       // running dL/dc, [B, H]

    /// <summary>Creates a cell with zero parameters and room for sequences of up to <paramref name="maxSteps"/> × <paramref name="maxBatch"/>.</summary>
    /// <param name="inputSize">I.</param><param name="hiddenSize">H.</param>
    /// <param name="maxSteps">Longest sequence for <see cref="ForwardBackward"/>.</param><param name="maxBatch">Largest batch for it.</param>
    public ScalarLstm(int inputSize, int hiddenSize, int maxSteps = 1, int maxBatch = 1)
    {
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        int g = 4 * hiddenSize;
        WeightIh = new float[g * inputSize];
        WeightHh = new float[g * hiddenSize];
        BiasIh = new float[g];
        BiasHh = new float[g];
        _z = new float[g];
        _hs = new float[(maxSteps + 1) * maxBatch * hiddenSize];
        _cs = new float[(maxSteps + 1) * maxBatch * hiddenSize];
        _gates = new float[maxSteps * maxBatch * g];
        _tanhC = new float[maxSteps * maxBatch * hiddenSize];
        _dh = new float[maxBatch * hiddenSize];
        _dc = new float[maxBatch * hiddenSize];
    }

    /// <summary>I.</summary>
    public int InputSize { get; }

    /// <summary>H.</summary>
    public int HiddenSize { get; }

    /// <summary>PyTorch <c>weight_ih</c>, [4H, I], gate order i, f, g, o.</summary>
    public float[] WeightIh { get; }

    /// <summary>PyTorch <c>weight_hh</c>, [4H, H].</summary>
    public float[] WeightHh { get; }

    /// <summary>PyTorch <c>bias_ih</c>, [4H].</summary>
    public float[] BiasIh { get; }

    /// <summary>PyTorch <c>bias_hh</c>, [4H].</summary>
    public float[] BiasHh { get; }

    /// <summary>Fills all parameters from U(−1/√H, 1/√H), PyTorch's default, with a seeded generator.</summary>
    /// <param name="seed">Seed.</param>
    public void Initialize(int seed)
    {
        var random = new Random(seed);
        float bound = 1f / MathF.Sqrt(HiddenSize);
        Fill(random, WeightIh, bound);
        Fill(random, WeightHh, bound);
        Fill(random, BiasIh, bound);
        Fill(random, BiasHh, bound);
    }

    /// <summary>Fills <paramref name="values"/> from U(−bound, bound).</summary>
    /// <param name="random">Generator.</param><param name="values">Destination.</param><param name="bound">Half-width.</param>
    public static void Fill(Random random, Span<float> values, float bound)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)((random.NextDouble() * 2 - 1) * bound);
        }
    }

    /// <summary>One step of one sample; <paramref name="hidden"/> and <paramref name="cell"/> are updated in place.</summary>
    /// <param name="input">[I].</param><param name="hidden">[H].</param><param name="cell">[H].</param>
    public void Step(ReadOnlySpan<float> input, Span<float> hidden, Span<float> cell)
    {
        PreActivations(input, hidden, _z);
        int h = HiddenSize;
        for (int j = 0; j < h; j++)
        {
            float i = Sigmoid(_z[j]);
            float f = Sigmoid(_z[h + j]);
            float g = MathF.Tanh(_z[(2 * h) + j]);
            float o = Sigmoid(_z[(3 * h) + j]);
            float c = (f * cell[j]) + (i * g);
            cell[j] = c;
            hidden[j] = o * MathF.Tanh(c);
        }
    }

    /// <summary>One step for a batch: <see cref="Step"/> per sample.</summary>
    /// <param name="inputs">[B, I].</param><param name="hidden">[B, H].</param><param name="cell">[B, H].</param>
    public void StepBatch(ReadOnlySpan<float> inputs, Span<float> hidden, Span<float> cell)
    {
        int batch = hidden.Length / HiddenSize;
        for (int b = 0; b < batch; b++)
        {
            Step(inputs.Slice(b * InputSize, InputSize), hidden.Slice(b * HiddenSize, HiddenSize), cell.Slice(b * HiddenSize, HiddenSize));
        }
    }

    /// <summary>
    /// Forward over <paramref name="steps"/> × <paramref name="batch"/> (time-major), then backward through time, with the
    /// same contract as the generated <c>Forward</c> + <c>Backward</c>: states in/out, outputs h_1..h_T, input and
    /// initial-state gradients overwritten, parameter gradients (PyTorch layout) accumulated.
    /// </summary>
    /// <param name="steps">T.</param><param name="batch">B.</param>
    /// <param name="inputs">[T, B, I].</param><param name="hidden">[B, H]: h_0 in, h_T out.</param><param name="cell">[B, H]: c_0 in, c_T out.</param>
    /// <param name="outputs">[T, B, H].</param><param name="outputGradients">dL/dh_t, [T, B, H].</param>
    /// <param name="finalHiddenGradient">Extra dL/dh_T, [B, H].</param><param name="finalCellGradient">dL/dc_T, [B, H].</param>
    /// <param name="inputGradients">dL/dx_t, [T, B, I].</param>
    /// <param name="initialHiddenGradient">dL/dh_0, [B, H].</param><param name="initialCellGradient">dL/dc_0, [B, H].</param>
    /// <param name="gradWeightIh">Accumulates dL/dW_ih, [4H, I].</param><param name="gradWeightHh">Accumulates dL/dW_hh, [4H, H].</param>
    /// <param name="gradBiasIh">Accumulates dL/db_ih, [4H].</param><param name="gradBiasHh">Accumulates dL/db_hh, [4H].</param>
    public void ForwardBackward(
        int steps, int batch, ReadOnlySpan<float> inputs, Span<float> hidden, Span<float> cell, Span<float> outputs,
        ReadOnlySpan<float> outputGradients, ReadOnlySpan<float> finalHiddenGradient, ReadOnlySpan<float> finalCellGradient,
        Span<float> inputGradients, Span<float> initialHiddenGradient, Span<float> initialCellGradient,
        Span<float> gradWeightIh, Span<float> gradWeightHh, Span<float> gradBiasIh, Span<float> gradBiasHh)
    {
        int n = InputSize, h = HiddenSize, g4 = 4 * h, bh = batch * h;

        // Forward, recording h_t, c_t, the activated gates and tanh(c_t).
        hidden.CopyTo(_hs);
        cell.CopyTo(_cs);
        for (int t = 0; t < steps; t++)
        {
            for (int b = 0; b < batch; b++)
            {
                int row = (t * batch) + b;
                ReadOnlySpan<float> x = inputs.Slice(row * n, n);
                Span<float> hPrev = _hs.AsSpan(row * h, h);
                Span<float> cPrev = _cs.AsSpan(row * h, h);
                Span<float> hNext = _hs.AsSpan((row + batch) * h, h);
                Span<float> cNext = _cs.AsSpan((row + batch) * h, h);
                Span<float> gates = _gates.AsSpan(row * g4, g4);
                PreActivations(x, hPrev, gates);
                for (int j = 0; j < h; j++)
                {
                    float i = Sigmoid(gates[j]);
                    float f = Sigmoid(gates[h + j]);
                    float gg = MathF.Tanh(gates[(2 * h) + j]);
                    float o = Sigmoid(gates[(3 * h) + j]);
                    gates[j] = i;
                    gates[h + j] = f;
                    gates[(2 * h) + j] = gg;
                    gates[(3 * h) + j] = o;
                    float c = (f * cPrev[j]) + (i * gg);
                    float tc = MathF.Tanh(c);
                    cNext[j] = c;
                    _tanhC[(row * h) + j] = tc;
                    hNext[j] = o * tc;
                }
            }
        }
        _hs.AsSpan(bh, steps * bh).CopyTo(outputs);
        _hs.AsSpan(steps * bh, bh).CopyTo(hidden);
        _cs.AsSpan(steps * bh, bh).CopyTo(cell);

        // Backward through time. With z = W_ih·x + W_hh·h_prev + b and the gates a = (σ(z_i), σ(z_f), tanh(z_g), σ(z_o)):
        //   dh  = dOut_t + dh_next            dc = dc_next + dh·o·(1 − tanh²c)
        //   dz_i = dc·g·i(1−i)   dz_f = dc·c_prev·f(1−f)   dz_g = dc·i·(1−g²)   dz_o = dh·tanh(c)·o(1−o)
        //   dc_prev = dc·f       dx = W_ihᵀ·dz              dh_prev = W_hhᵀ·dz
        //   dW_ih += dz·xᵀ       dW_hh += dz·h_prevᵀ        db_ih, db_hh += dz
        Span<float> dh = _dh.AsSpan(0, bh);
        Span<float> dc = _dc.AsSpan(0, bh);
        finalHiddenGradient.CopyTo(dh);
        finalCellGradient.CopyTo(dc);
        Span<float> dz = _z;
        for (int t = steps - 1; t >= 0; t--)
        {
            for (int b = 0; b < batch; b++)
            {
                int row = (t * batch) + b;
                ReadOnlySpan<float> gates = _gates.AsSpan(row * g4, g4);
                ReadOnlySpan<float> cPrev = _cs.AsSpan(row * h, h);
                ReadOnlySpan<float> hPrev = _hs.AsSpan(row * h, h);
                ReadOnlySpan<float> x = inputs.Slice(row * n, n);
                for (int j = 0; j < h; j++)
                {
                    float i = gates[j], f = gates[h + j], gg = gates[(2 * h) + j], o = gates[(3 * h) + j];
                    float tc = _tanhC[(row * h) + j];
                    float dhj = outputGradients[(row * h) + j] + dh[(b * h) + j];
                    float dcj = dc[(b * h) + j] + (dhj * o * (1 - (tc * tc)));
                    dz[j] = dcj * gg * i * (1 - i);
                    dz[h + j] = dcj * cPrev[j] * f * (1 - f);
                    dz[(2 * h) + j] = dcj * i * (1 - (gg * gg));
                    dz[(3 * h) + j] = dhj * tc * o * (1 - o);
                    dc[(b * h) + j] = dcj * f;
                }
                Span<float> dx = inputGradients.Slice(row * n, n);
                Span<float> dhPrev = dh.Slice(b * h, h);
                dx.Clear();
                dhPrev.Clear();
                for (int r = 0; r < g4; r++)
                {
                    float d = dz[r];
                    gradBiasIh[r] += d;
                    gradBiasHh[r] += d;
                    for (int k = 0; k < n; k++)
                    {
                        gradWeightIh[(r * n) + k] += d * x[k];
                        dx[k] += WeightIh[(r * n) + k] * d;
                    }
                    for (int k = 0; k < h; k++)
                    {
                        gradWeightHh[(r * h) + k] += d * hPrev[k];
                        dhPrev[k] += WeightHh[(r * h) + k] * d;
                    }
                }
            }
        }
        dh.CopyTo(initialHiddenGradient);
        dc.CopyTo(initialCellGradient);
    }

    /// <summary>z = W_ih·x + b_ih + W_hh·h + b_hh, row by row.</summary>
    private void PreActivations(ReadOnlySpan<float> x, ReadOnlySpan<float> hPrev, Span<float> z)
    {
        int n = InputSize, h = HiddenSize;
        for (int r = 0; r < 4 * h; r++)
        {
            float s = BiasIh[r] + BiasHh[r];
            for (int k = 0; k < n; k++)
            {
                s += WeightIh[(r * n) + k] * x[k];
            }
            for (int k = 0; k < h; k++)
            {
                s += WeightHh[(r * h) + k] * hPrev[k];
            }
            z[r] = s;
        }
    }

    private static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));
}

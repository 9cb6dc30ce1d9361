using System;
using System.Numerics.Tensors;

namespace Simd.Benchmarks.Peers;

// The cells as a careful .NET user would write them by hand with System.Numerics.Tensors.TensorPrimitives: every dot
// product, activation and element-wise update is one vectorized TensorPrimitives call over a row or a gate block,
// the two biases are summed once up front, scratch is allocated once, and nothing is specialized to a shape. They take
// their weights from the scalar references (PyTorch layouts) and are checked against them in each benchmark's setup.

/// <summary>LSTM (PyTorch gate order i, f, g, o) over row dot products and TensorPrimitives activations.</summary>
public sealed class TensorPrimitivesLstm
{
    private readonly int _inputSize, _hiddenSize;
    private readonly float[] _weightIh, _weightHh, _bias, _gates;

    /// <summary>Copies the parameters of <paramref name="reference"/>.</summary>
    /// <param name="reference">Weights in PyTorch layout.</param>
    public TensorPrimitivesLstm(ScalarLstm reference)
    {
        (_inputSize, _hiddenSize) = (reference.InputSize, reference.HiddenSize);
        _weightIh = (float[])reference.WeightIh.Clone();
        _weightHh = (float[])reference.WeightHh.Clone();
        _bias = new float[4 * _hiddenSize];
        TensorPrimitives.Add(reference.BiasIh, reference.BiasHh, _bias);
        _gates = new float[4 * _hiddenSize];
    }

    /// <summary>One step of one sample; state updated in place.</summary>
    /// <param name="input">[I].</param><param name="hidden">[H].</param><param name="cell">[H].</param>
    public void Step(ReadOnlySpan<float> input, Span<float> hidden, Span<float> cell)
    {
        int n = _inputSize, h = _hiddenSize;
        Span<float> z = _gates;
        for (int row = 0; row < 4 * h; row++)
        {
            z[row] = _bias[row]
                + TensorPrimitives.Dot(_weightIh.AsSpan(row * n, n), input)
                + TensorPrimitives.Dot(_weightHh.AsSpan(row * h, h), hidden);
        }

        Span<float> i = z[..h], f = z.Slice(h, h), g = z.Slice(2 * h, h), o = z.Slice(3 * h, h);
        TensorPrimitives.Sigmoid(i, i);
        TensorPrimitives.Sigmoid(f, f);
        TensorPrimitives.Tanh(g, g);
        TensorPrimitives.Sigmoid(o, o);
        TensorPrimitives.Multiply(f, cell, f);           // f ⊙ c
        TensorPrimitives.MultiplyAdd(i, g, f, cell);     // c' = i ⊙ g + f ⊙ c
        TensorPrimitives.Tanh(cell, g);
        TensorPrimitives.Multiply(o, g, hidden);         // h' = o ⊙ tanh(c')
    }

    /// <summary>A time-major sequence [T, B, I]: one <see cref="Step"/> per sample and step; outputs h_1..h_T.</summary>
    /// <param name="steps">T.</param><param name="batch">B.</param><param name="inputs">[T, B, I].</param>
    /// <param name="hidden">[B, H], h_0 in, h_T out.</param><param name="cell">[B, H], c_0 in, c_T out.</param><param name="outputs">[T, B, H].</param>
    public void Forward(int steps, int batch, ReadOnlySpan<float> inputs, Span<float> hidden, Span<float> cell, Span<float> outputs)
    {
        int n = _inputSize, h = _hiddenSize;
        for (int t = 0; t < steps; t++)
        {
            for (int b = 0; b < batch; b++)
            {
                Step(inputs.Slice(((t * batch) + b) * n, n), hidden.Slice(b * h, h), cell.Slice(b * h, h));
            }

            hidden[..(batch * h)].CopyTo(outputs.Slice(t * batch * h, batch * h));
        }
    }
}

/// <summary>GRU (PyTorch r, z, n; reset applied after the recurrent product) over row dot products.</summary>
public sealed class TensorPrimitivesGru
{
    private readonly int _inputSize, _hiddenSize;
    private readonly float[] _weightIh, _weightHh, _biasIh, _biasHh, _inputPart, _hiddenPart;

    /// <summary>Copies the parameters of <paramref name="reference"/>.</summary>
    /// <param name="reference">Weights in PyTorch layout.</param>
    public TensorPrimitivesGru(ScalarGru reference)
    {
        (_inputSize, _hiddenSize) = (reference.InputSize, reference.HiddenSize);
        _weightIh = (float[])reference.WeightIh.Clone();
        _weightHh = (float[])reference.WeightHh.Clone();
        _biasIh = (float[])reference.BiasIh.Clone();
        _biasHh = (float[])reference.BiasHh.Clone();
        _inputPart = new float[3 * _hiddenSize];
        _hiddenPart = new float[3 * _hiddenSize];
    }

    /// <summary>One step of one sample; <paramref name="hidden"/> updated in place.</summary>
    /// <param name="input">[I].</param><param name="hidden">[H].</param>
    public void Step(ReadOnlySpan<float> input, Span<float> hidden)
    {
        int n = _inputSize, h = _hiddenSize;
        Span<float> a = _inputPart, r = _hiddenPart;
        for (int row = 0; row < 3 * h; row++)
        {
            a[row] = _biasIh[row] + TensorPrimitives.Dot(_weightIh.AsSpan(row * n, n), input);
            r[row] = _biasHh[row] + TensorPrimitives.Dot(_weightHh.AsSpan(row * h, h), hidden);
        }

        // The r and z blocks need a + r summed; n needs a_n + reset ⊙ r_n.
        Span<float> gates = a[..(2 * h)];
        TensorPrimitives.Add(gates, r[..(2 * h)], gates);
        TensorPrimitives.Sigmoid(gates, gates);
        Span<float> reset = a[..h], update = a.Slice(h, h), candidate = a.Slice(2 * h, h);
        TensorPrimitives.MultiplyAdd(reset, r.Slice(2 * h, h), candidate, candidate);
        TensorPrimitives.Tanh(candidate, candidate);
        // h' = n + z ⊙ (h − n)
        TensorPrimitives.Subtract(hidden, candidate, reset);
        TensorPrimitives.MultiplyAdd(update, reset, candidate, hidden);
    }
}

/// <summary>Vanilla tanh RNN over row dot products.</summary>
public sealed class TensorPrimitivesRnn
{
    private readonly int _inputSize, _hiddenSize;
    private readonly float[] _weightIh, _weightHh, _bias, _next;

    /// <summary>Copies the parameters of <paramref name="reference"/>.</summary>
    /// <param name="reference">Weights in PyTorch layout.</param>
    public TensorPrimitivesRnn(ScalarRnn reference)
    {
        (_inputSize, _hiddenSize) = (reference.InputSize, reference.HiddenSize);
        _weightIh = (float[])reference.WeightIh.Clone();
        _weightHh = (float[])reference.WeightHh.Clone();
        _bias = new float[_hiddenSize];
        TensorPrimitives.Add(reference.BiasIh, reference.BiasHh, _bias);
        _next = new float[_hiddenSize];
    }

    /// <summary>One step of one sample; <paramref name="hidden"/> updated in place.</summary>
    /// <param name="input">[I].</param><param name="hidden">[H].</param>
    public void Step(ReadOnlySpan<float> input, Span<float> hidden)
    {
        int n = _inputSize, h = _hiddenSize;
        for (int row = 0; row < h; row++)
        {
            _next[row] = _bias[row]
                + TensorPrimitives.Dot(_weightIh.AsSpan(row * n, n), input)
                + TensorPrimitives.Dot(_weightHh.AsSpan(row * h, h), hidden);
        }

        TensorPrimitives.Tanh(_next, hidden);
    }
}

/// <summary>Single-head attention decode steps over prepared keys and values, [T, size] row-major.</summary>
public static class TensorPrimitivesAttention
{
    /// <summary>Luong dot score: weights = softmax(K q), context = Σ_j weights_j v_j.</summary>
    /// <param name="query">[d].</param><param name="keys">[T, d].</param><param name="values">[T, dv].</param>
    /// <param name="context">[dv], overwritten.</param><param name="weights">[T], overwritten.</param>
    public static void DotStep(ReadOnlySpan<float> query, ReadOnlySpan<float> keys, ReadOnlySpan<float> values, Span<float> context, Span<float> weights)
    {
        int d = query.Length;
        for (int j = 0; j < weights.Length; j++)
        {
            weights[j] = TensorPrimitives.Dot(query, keys.Slice(j * d, d));
        }

        TensorPrimitives.SoftMax(weights, weights);
        WeightedSum(weights, values, context);
    }

    /// <summary>Bahdanau score with the key projections precomputed: score_j = vᵀ tanh(W_q q + b + W_k k_j).</summary>
    /// <param name="queryPart">W_q q + b, [A] (computed by the caller with row dot products).</param>
    /// <param name="projectedKeys">W_k k_j, [T, A].</param><param name="scoreWeight">v, [A].</param>
    /// <param name="values">[T, dv].</param><param name="scratch">[A].</param>
    /// <param name="context">[dv], overwritten.</param><param name="weights">[T], overwritten.</param>
    public static void AdditiveStep(ReadOnlySpan<float> queryPart, ReadOnlySpan<float> projectedKeys, ReadOnlySpan<float> scoreWeight, ReadOnlySpan<float> values, Span<float> scratch, Span<float> context, Span<float> weights)
    {
        int a = queryPart.Length;
        for (int j = 0; j < weights.Length; j++)
        {
            TensorPrimitives.Add(queryPart, projectedKeys.Slice(j * a, a), scratch);
            TensorPrimitives.Tanh(scratch, scratch);
            weights[j] = TensorPrimitives.Dot(scoreWeight, scratch);
        }

        TensorPrimitives.SoftMax(weights, weights);
        WeightedSum(weights, values, context);
    }

    /// <summary>destination = matrix · vector + bias, one dot product per row of a row-major [rows, vector.Length] matrix.</summary>
    /// <param name="matrix">Row-major weights.</param><param name="bias">[rows].</param><param name="vector">Input.</param><param name="destination">[rows].</param>
    public static void MatrixVector(ReadOnlySpan<float> matrix, ReadOnlySpan<float> bias, ReadOnlySpan<float> vector, Span<float> destination)
    {
        int n = vector.Length;
        for (int row = 0; row < destination.Length; row++)
        {
            destination[row] = bias[row] + TensorPrimitives.Dot(matrix.Slice(row * n, n), vector);
        }
    }

    /// <summary>context = Σ_j weights_j · values[j], one fused multiply-add per value row.</summary>
    /// <param name="weights">[T].</param><param name="values">[T, dv].</param><param name="context">[dv], overwritten.</param>
    public static void WeightedSum(ReadOnlySpan<float> weights, ReadOnlySpan<float> values, Span<float> context)
    {
        int dv = context.Length;
        context.Clear();
        for (int j = 0; j < weights.Length; j++)
        {
            TensorPrimitives.MultiplyAdd(values.Slice(j * dv, dv), weights[j], context, context);
        }
    }
}

/// <summary>
/// Multi-head self-attention decoder (PyTorch <c>nn.MultiheadAttention</c> weights) with a [capacity, E] key and value
/// cache, as a user would write it with TensorPrimitives: projections by row dot products, per head scores by dot
/// products over the cached rows' head slices, SoftMax, and a multiply-add per cached row.
/// </summary>
public sealed class TensorPrimitivesMultiHeadDecoder
{
    private readonly int _modelSize, _heads, _headSize, _capacity;
    private readonly float _scale;
    private readonly float[] _inProjWeight, _inProjBias, _outProjWeight, _outProjBias;
    private readonly float[] _keys, _values, _query, _context, _weights;
    private int _count;

    /// <summary>Copies the parameters of <paramref name="reference"/>.</summary>
    /// <param name="reference">Weights in PyTorch layout.</param><param name="capacity">Most cached tokens.</param>
    public TensorPrimitivesMultiHeadDecoder(ScalarMultiHeadAttention reference, int capacity)
    {
        (_modelSize, _heads, _headSize, _capacity) = (reference.ModelSize, reference.Heads, reference.HeadSize, capacity);
        _scale = 1f / MathF.Sqrt(_headSize);
        _inProjWeight = (float[])reference.InProjWeight.Clone();
        _inProjBias = (float[])reference.InProjBias.Clone();
        _outProjWeight = (float[])reference.OutProjWeight.Clone();
        _outProjBias = (float[])reference.OutProjBias.Clone();
        _keys = new float[capacity * _modelSize];
        _values = new float[capacity * _modelSize];
        _query = new float[_modelSize];
        _context = new float[_modelSize];
        _weights = new float[capacity];
    }

    /// <summary>Keeps the first <paramref name="count"/> cached tokens.</summary>
    /// <param name="count">Tokens to keep.</param>
    public void Truncate(int count) => _count = count;

    /// <summary>Projects one token, appends its key and value, attends over the cache and writes the output.</summary>
    /// <param name="input">[E].</param><param name="output">[E].</param>
    public void DecodeStep(ReadOnlySpan<float> input, Span<float> output)
    {
        if (_count == _capacity)
        {
            throw new InvalidOperationException("The cache is full.");
        }

        int e = _modelSize, d = _headSize;
        ReadOnlySpan<float> w = _inProjWeight, bias = _inProjBias;
        TensorPrimitivesAttention.MatrixVector(w[..(e * e)], bias[..e], input, _query);
        TensorPrimitivesAttention.MatrixVector(w.Slice(e * e, e * e), bias.Slice(e, e), input, _keys.AsSpan(_count * e, e));
        TensorPrimitivesAttention.MatrixVector(w.Slice(2 * e * e, e * e), bias.Slice(2 * e, e), input, _values.AsSpan(_count * e, e));
        int n = ++_count;
        Span<float> weights = _weights.AsSpan(0, n);
        for (int head = 0; head < _heads; head++)
        {
            int column = head * d;
            ReadOnlySpan<float> query = _query.AsSpan(column, d);
            for (int j = 0; j < n; j++)
            {
                weights[j] = _scale * TensorPrimitives.Dot(query, _keys.AsSpan((j * e) + column, d));
            }

            TensorPrimitives.SoftMax(weights, weights);
            Span<float> context = _context.AsSpan(column, d);
            context.Clear();
            for (int j = 0; j < n; j++)
            {
                TensorPrimitives.MultiplyAdd(_values.AsSpan((j * e) + column, d), weights[j], context, context);
            }
        }

        TensorPrimitivesAttention.MatrixVector(_outProjWeight, _outProjBias, _context, output);
    }
}

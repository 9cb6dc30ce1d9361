using System;

namespace Simd.Benchmarks;

/// <summary>
/// Plain scalar float additive (Bahdanau) attention for one sample: the baseline the generated additive cell's decoder
/// step is timed against. Written the way a careful user would without SIMD — row-major loops, <see cref="MathF.Tanh"/>,
/// <see cref="MathF.Exp"/>, a max-subtracted softmax — and, like the cell, the key projections are computed once per
/// sequence in <see cref="Prepare"/>. Allocation-free after construction.
/// </summary>
public sealed class ScalarAdditiveAttention
{
    private readonly float[] _projectedKeys; // W_k k_j for every key, [T, A]
    private readonly float[] _values;        // [T, V]
    private readonly float[] _hidden;        // W_q q + b of the current step, [A]
    private int _keyCount;

    /// <summary>Creates a cell with zero parameters.</summary>
    /// <param name="querySize">Q.</param><param name="keySize">K.</param><param name="valueSize">V.</param>
    /// <param name="attentionSize">A.</param><param name="maxKeys">Largest T.</param>
    public ScalarAdditiveAttention(int querySize, int keySize, int valueSize, int attentionSize, int maxKeys)
    {
        QuerySize = querySize;
        KeySize = keySize;
        ValueSize = valueSize;
        AttentionSize = attentionSize;
        QueryWeight = new float[attentionSize * querySize];
        KeyWeight = new float[attentionSize * keySize];
        Bias = new float[attentionSize];
        ScoreWeight = new float[attentionSize];
        _projectedKeys = new float[maxKeys * attentionSize];
        _values = new float[maxKeys * valueSize];
        _hidden = new float[attentionSize];
    }

    /// <summary>Q.</summary>
    public int QuerySize { get; }

    /// <summary>K.</summary>
    public int KeySize { get; }

    /// <summary>V.</summary>
    public int ValueSize { get; }

    /// <summary>A.</summary>
    public int AttentionSize { get; }

    /// <summary><c>query_weight</c>, [A, Q].</summary>
    public float[] QueryWeight { get; }

    /// <summary><c>key_weight</c>, [A, K].</summary>
    public float[] KeyWeight { get; }

    /// <summary><c>bias</c>, [A].</summary>
    public float[] Bias { get; }

    /// <summary><c>score_weight</c>, [A].</summary>
    public float[] ScoreWeight { get; }

    /// <summary>Fills every tensor from U(−1/√fanIn, 1/√fanIn) with a seeded generator (the bias too, so it is exercised).</summary>
    /// <param name="seed">Seed.</param>
    public void Initialize(int seed)
    {
        var random = new Random(seed);
        ScalarLstm.Fill(random, QueryWeight, 1f / MathF.Sqrt(QuerySize));
        ScalarLstm.Fill(random, KeyWeight, 1f / MathF.Sqrt(KeySize));
        ScalarLstm.Fill(random, Bias, 1f / MathF.Sqrt(QuerySize));
        ScalarLstm.Fill(random, ScoreWeight, 1f / MathF.Sqrt(AttentionSize));
    }

    /// <summary>Takes one sample's memory: projects every key once and keeps a copy of the values.</summary>
    /// <param name="keyCount">T.</param><param name="keys">[T, K].</param><param name="values">[T, V].</param>
    public void Prepare(int keyCount, ReadOnlySpan<float> keys, ReadOnlySpan<float> values)
    {
        int k = KeySize, a = AttentionSize;
        float[] keyWeight = KeyWeight, projected = _projectedKeys;
        for (int j = 0; j < keyCount; j++)
        {
            for (int row = 0; row < a; row++)
            {
                float sum = 0;
                for (int c = 0; c < k; c++)
                {
                    sum += keyWeight[(row * k) + c] * keys[(j * k) + c];
                }

                projected[(j * a) + row] = sum;
            }
        }

        values[..(keyCount * ValueSize)].CopyTo(_values);
        _keyCount = keyCount;
    }

    /// <summary>One decoder step: score_j = Σ_a v[a]·tanh((W_q q + b)[a] + (W_k k_j)[a]), softmax, context = Σ_j α_j v_j.</summary>
    /// <param name="query">[Q].</param><param name="context">[V], overwritten.</param>
    /// <param name="weights">[T], receives the attention weights (it doubles as the score buffer).</param>
    public void Step(ReadOnlySpan<float> query, Span<float> context, Span<float> weights)
    {
        int q = QuerySize, a = AttentionSize, v = ValueSize, t = _keyCount;
        float[] queryWeight = QueryWeight, bias = Bias, scoreWeight = ScoreWeight, projected = _projectedKeys, values = _values, hidden = _hidden;
        for (int row = 0; row < a; row++)
        {
            float sum = bias[row];
            for (int c = 0; c < q; c++)
            {
                sum += queryWeight[(row * q) + c] * query[c];
            }

            hidden[row] = sum;
        }

        float max = float.NegativeInfinity;
        for (int j = 0; j < t; j++)
        {
            float score = 0;
            for (int row = 0; row < a; row++)
            {
                score += scoreWeight[row] * MathF.Tanh(hidden[row] + projected[(j * a) + row]);
            }

            weights[j] = score;
            max = MathF.Max(max, score);
        }

        float total = 0;
        for (int j = 0; j < t; j++)
        {
            float e = MathF.Exp(weights[j] - max);
            weights[j] = e;
            total += e;
        }

        float inverse = 1f / total;
        for (int j = 0; j < t; j++)
        {
            weights[j] *= inverse;
        }

        context[..v].Clear();
        for (int j = 0; j < t; j++)
        {
            float alpha = weights[j];
            for (int c = 0; c < v; c++)
            {
                context[c] += alpha * values[(j * v) + c];
            }
        }
    }
}

/// <summary>
/// Plain scalar float multi-head self-attention for one sample (PyTorch <c>nn.MultiheadAttention</c> with biases and
/// PyTorch's tensor layout): an incremental decoder step over a key/value cache, and a recorded forward pass over T
/// tokens with its backward pass. The baseline the generated multi-head cell is timed against; naive loops,
/// <see cref="MathF.Exp"/>, max-subtracted softmax, allocation-free after construction.
/// </summary>
public sealed class ScalarMultiHeadAttention
{
    private readonly int _maxTokens;
    private readonly float _scale;

    // Decoder: the projected keys and values of every decoded token, [capacity, E], and one step's scratch.
    private readonly float[] _keyCache, _valueCache, _stepQuery, _stepContext, _stepWeights;
    private int _cachedTokens;

    // Forward tape, [T, E] projections and contexts and [H, T, T] probabilities, and backward scratch.
    private readonly float[] _queries, _keys, _values, _contexts, _probabilities;
    private readonly float[] _contextGradient, _queryGradient, _keyGradient, _valueGradient, _probabilityGradient;
    private int _tokens;

    /// <summary>Creates a cell with zero parameters and zero gradients.</summary>
    /// <param name="modelSize">E.</param><param name="heads">H, a divisor of E.</param>
    /// <param name="maxTokens">Largest T of <see cref="Forward"/> and capacity of the decoder cache.</param>
    public ScalarMultiHeadAttention(int modelSize, int heads, int maxTokens)
    {
        ModelSize = modelSize;
        Heads = heads;
        HeadSize = modelSize / heads;
        _maxTokens = maxTokens;
        _scale = 1f / MathF.Sqrt(HeadSize);
        int e = modelSize, tokenElements = maxTokens * modelSize;
        InProjWeight = new float[3 * e * e];
        InProjBias = new float[3 * e];
        OutProjWeight = new float[e * e];
        OutProjBias = new float[e];
        InProjWeightGradient = new float[3 * e * e];
        InProjBiasGradient = new float[3 * e];
        OutProjWeightGradient = new float[e * e];
        OutProjBiasGradient = new float[e];
        _keyCache = new float[tokenElements];
        _valueCache = new float[tokenElements];
        _stepQuery = new float[e];
        _stepContext = new float[e];
        _stepWeights = new float[heads * maxTokens];
        _queries = new float[tokenElements];
        _keys = new float[tokenElements];
        _values = new float[tokenElements];
        _contexts = new float[tokenElements];
        _probabilities = new float[heads * maxTokens * maxTokens];
        _contextGradient = new float[tokenElements];
        _queryGradient = new float[tokenElements];
        _keyGradient = new float[tokenElements];
        _valueGradient = new float[tokenElements];
        _probabilityGradient = new float[maxTokens];
    }

    /// <summary>E.</summary>
    public int ModelSize { get; }

    /// <summary>H.</summary>
    public int Heads { get; }

    /// <summary>E / H.</summary>
    public int HeadSize { get; }

    /// <summary><c>in_proj_weight</c>, [3E, E]: W_q, W_k, W_v stacked.</summary>
    public float[] InProjWeight { get; }

    /// <summary><c>in_proj_bias</c>, [3E].</summary>
    public float[] InProjBias { get; }

    /// <summary><c>out_proj.weight</c>, [E, E].</summary>
    public float[] OutProjWeight { get; }

    /// <summary><c>out_proj.bias</c>, [E].</summary>
    public float[] OutProjBias { get; }

    /// <summary>Accumulated dL/d<c>in_proj_weight</c>.</summary>
    public float[] InProjWeightGradient { get; }

    /// <summary>Accumulated dL/d<c>in_proj_bias</c>.</summary>
    public float[] InProjBiasGradient { get; }

    /// <summary>Accumulated dL/d<c>out_proj.weight</c>.</summary>
    public float[] OutProjWeightGradient { get; }

    /// <summary>Accumulated dL/d<c>out_proj.bias</c>.</summary>
    public float[] OutProjBiasGradient { get; }

    /// <summary>Tokens in the decoder cache.</summary>
    public int CachedTokens => _cachedTokens;

    /// <summary>The last decoder step's attention weights, [H, n] with n = <see cref="CachedTokens"/>.</summary>
    public ReadOnlySpan<float> StepWeights => _stepWeights.AsSpan(0, Heads * _cachedTokens);

    /// <summary>The last forward pass's attention weights, [H, T, T].</summary>
    public ReadOnlySpan<float> ForwardWeights => _probabilities.AsSpan(0, Heads * _tokens * _tokens);

    /// <summary>Fills every tensor, biases included (so they are exercised), from U(−1/√E, 1/√E) with a seeded generator.</summary>
    /// <param name="seed">Seed.</param>
    public void Initialize(int seed)
    {
        var random = new Random(seed);
        float bound = 1f / MathF.Sqrt(ModelSize);
        ScalarLstm.Fill(random, InProjWeight, bound);
        ScalarLstm.Fill(random, InProjBias, bound);
        ScalarLstm.Fill(random, OutProjWeight, bound);
        ScalarLstm.Fill(random, OutProjBias, bound);
    }

    /// <summary>Forgets every cached token after the first <paramref name="count"/>.</summary>
    /// <param name="count">Tokens to keep.</param>
    public void Truncate(int count) => _cachedTokens = count;

    /// <summary>
    /// One causal decoder step: projects the new token's query, key and value, appends the key and value to the cache,
    /// attends per head over all n cached tokens and applies the output projection.
    /// </summary>
    /// <param name="input">[E], the new token.</param><param name="output">[E], overwritten.</param>
    public void DecodeStep(ReadOnlySpan<float> input, Span<float> output)
    {
        if (_cachedTokens == _maxTokens)
        {
            throw new InvalidOperationException("The scalar decoder cache is full.");
        }

        int e = ModelSize, d = HeadSize, slot = _cachedTokens * e;
        float[] query = _stepQuery, context = _stepContext, keyCache = _keyCache, valueCache = _valueCache;
        Project(input, 0, query, 0);
        Project(input, e, keyCache, slot);
        Project(input, 2 * e, valueCache, slot);
        int n = ++_cachedTokens;

        for (int h = 0; h < Heads; h++)
        {
            Span<float> weights = _stepWeights.AsSpan(h * n, n);
            int column = h * d;
            for (int j = 0; j < n; j++)
            {
                float dot = 0;
                for (int c = 0; c < d; c++)
                {
                    dot += query[column + c] * keyCache[(j * e) + column + c];
                }

                weights[j] = _scale * dot;
            }

            Softmax(weights);
            for (int c = 0; c < d; c++)
            {
                float sum = 0;
                for (int j = 0; j < n; j++)
                {
                    sum += weights[j] * valueCache[(j * e) + column + c];
                }

                context[column + c] = sum;
            }
        }

        OutputProjection(context, 0, output, 0);
    }

    /// <summary>Self-attention over <paramref name="tokens"/> tokens (every key visible), recording what <see cref="Backward"/> needs.</summary>
    /// <param name="tokens">T.</param><param name="input">[T, E], the query, key and value.</param>
    /// <param name="output">[T, E], overwritten.</param>
    public void Forward(int tokens, ReadOnlySpan<float> input, Span<float> output)
    {
        int e = ModelSize, d = HeadSize;
        float[] queries = _queries, keys = _keys, values = _values, contexts = _contexts;
        _tokens = tokens;
        for (int i = 0; i < tokens; i++)
        {
            ReadOnlySpan<float> token = input.Slice(i * e, e);
            Project(token, 0, queries, i * e);
            Project(token, e, keys, i * e);
            Project(token, 2 * e, values, i * e);
        }

        for (int h = 0; h < Heads; h++)
        {
            int column = h * d;
            for (int i = 0; i < tokens; i++)
            {
                Span<float> probabilities = _probabilities.AsSpan(((h * tokens) + i) * tokens, tokens);
                for (int j = 0; j < tokens; j++)
                {
                    float dot = 0;
                    for (int c = 0; c < d; c++)
                    {
                        dot += queries[(i * e) + column + c] * keys[(j * e) + column + c];
                    }

                    probabilities[j] = _scale * dot;
                }

                Softmax(probabilities);
                for (int c = 0; c < d; c++)
                {
                    float sum = 0;
                    for (int j = 0; j < tokens; j++)
                    {
                        sum += probabilities[j] * values[(j * e) + column + c];
                    }

                    contexts[(i * e) + column + c] = sum;
                }
            }
        }

        for (int i = 0; i < tokens; i++)
        {
            OutputProjection(contexts, i * e, output, i * e);
        }
    }

    /// <summary>
    /// Backward of the last <see cref="Forward"/>: overwrites the query, key and value gradients (their sum is the
    /// gradient of the self-attention input) and adds the parameter gradients to the gradient arrays.
    /// </summary>
    /// <param name="input">[T, E], as given to the forward pass.</param><param name="outputGradient">[T, E] dL/doutput.</param>
    /// <param name="queryGradient">[T, E] dL/dquery.</param><param name="keyGradient">[T, E] dL/dkey.</param>
    /// <param name="valueGradient">[T, E] dL/dvalue.</param>
    public void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> queryGradient, Span<float> keyGradient, Span<float> valueGradient)
    {
        int e = ModelSize, d = HeadSize, t = _tokens, size = t * e;
        float[] outWeight = OutProjWeight, outWeightGradient = OutProjWeightGradient, outBiasGradient = OutProjBiasGradient;
        float[] queries = _queries, keys = _keys, values = _values, contexts = _contexts;
        float[] dContext = _contextGradient, dQuery = _queryGradient, dKey = _keyGradient, dValue = _valueGradient, dProbability = _probabilityGradient;

        // Output projection: dC = dOut · W_o, dW_o += dOutᵀ · C, db_o += Σ_i dOut.
        for (int i = 0; i < t; i++)
        {
            for (int c = 0; c < e; c++)
            {
                dContext[(i * e) + c] = 0;
            }

            for (int row = 0; row < e; row++)
            {
                float g = outputGradient[(i * e) + row];
                outBiasGradient[row] += g;
                for (int c = 0; c < e; c++)
                {
                    dContext[(i * e) + c] += g * outWeight[(row * e) + c];
                    outWeightGradient[(row * e) + c] += g * contexts[(i * e) + c];
                }
            }
        }

        Array.Clear(dQuery, 0, size);
        Array.Clear(dKey, 0, size);
        Array.Clear(dValue, 0, size);
        for (int h = 0; h < Heads; h++)
        {
            int column = h * d;
            for (int i = 0; i < t; i++)
            {
                ReadOnlySpan<float> probabilities = _probabilities.AsSpan(((h * t) + i) * t, t);

                // dP_j = dC_i · V_j and dV_j += P_ij dC_i; then the softmax backward dS_j = P_j (dP_j − Σ_k P_k dP_k).
                float weighted = 0;
                for (int j = 0; j < t; j++)
                {
                    float dot = 0;
                    for (int c = 0; c < d; c++)
                    {
                        float g = dContext[(i * e) + column + c];
                        dot += g * values[(j * e) + column + c];
                        dValue[(j * e) + column + c] += probabilities[j] * g;
                    }

                    dProbability[j] = dot;
                    weighted += probabilities[j] * dot;
                }

                // S = scale · Q Kᵀ: dQ_i += scale Σ_j dS_j K_j and dK_j += scale dS_j Q_i.
                for (int j = 0; j < t; j++)
                {
                    float dScore = _scale * probabilities[j] * (dProbability[j] - weighted);
                    for (int c = 0; c < d; c++)
                    {
                        dQuery[(i * e) + column + c] += dScore * keys[(j * e) + column + c];
                        dKey[(j * e) + column + c] += dScore * queries[(i * e) + column + c];
                    }
                }
            }
        }

        ProjectionBackward(input, dQuery, 0, queryGradient);
        ProjectionBackward(input, dKey, e, keyGradient);
        ProjectionBackward(input, dValue, 2 * e, valueGradient);
    }

    /// <summary>destination[offset + r] = in_proj_bias[first + r] + Σ_c in_proj_weight[first + r, c] · token[c], for r in 0..E−1.</summary>
    private void Project(ReadOnlySpan<float> token, int firstRow, float[] destination, int offset)
    {
        int e = ModelSize;
        float[] weight = InProjWeight, bias = InProjBias;
        for (int r = 0; r < e; r++)
        {
            int row = firstRow + r;
            float sum = bias[row];
            for (int c = 0; c < e; c++)
            {
                sum += weight[(row * e) + c] * token[c];
            }

            destination[offset + r] = sum;
        }
    }

    /// <summary>output[at..] = out_proj.weight · context[at..] + out_proj.bias.</summary>
    private void OutputProjection(float[] context, int contextOffset, Span<float> output, int outputOffset)
    {
        int e = ModelSize;
        float[] weight = OutProjWeight, bias = OutProjBias;
        for (int r = 0; r < e; r++)
        {
            float sum = bias[r];
            for (int c = 0; c < e; c++)
            {
                sum += weight[(r * e) + c] * context[contextOffset + c];
            }

            output[outputOffset + r] = sum;
        }
    }

    /// <summary>
    /// Backward of one of the three input projections (rows firstRow..firstRow+E−1 of in_proj): inputGradient = dP · W
    /// (overwritten), dW += dPᵀ · X, db += Σ_i dP.
    /// </summary>
    private void ProjectionBackward(ReadOnlySpan<float> input, float[] projectedGradient, int firstRow, Span<float> inputGradient)
    {
        int e = ModelSize, t = _tokens;
        float[] weight = InProjWeight, weightGradient = InProjWeightGradient, biasGradient = InProjBiasGradient;
        inputGradient[..(t * e)].Clear();
        for (int i = 0; i < t; i++)
        {
            for (int r = 0; r < e; r++)
            {
                int row = firstRow + r;
                float g = projectedGradient[(i * e) + r];
                biasGradient[row] += g;
                for (int c = 0; c < e; c++)
                {
                    inputGradient[(i * e) + c] += g * weight[(row * e) + c];
                    weightGradient[(row * e) + c] += g * input[(i * e) + c];
                }
            }
        }
    }

    /// <summary>In-place max-subtracted softmax.</summary>
    private static void Softmax(Span<float> values)
    {
        float max = float.NegativeInfinity;
        foreach (float v in values)
        {
            max = MathF.Max(max, v);
        }

        float total = 0;
        for (int j = 0; j < values.Length; j++)
        {
            float e = MathF.Exp(values[j] - max);
            values[j] = e;
            total += e;
        }

        float inverse = 1f / total;
        for (int j = 0; j < values.Length; j++)
        {
            values[j] *= inverse;
        }
    }
}

using System;

namespace Simd.Benchmarks;

/// <summary>
/// The attention encoder–decoder of <see cref="Simd.Models.EncoderDecoder{T}"/> written as plain scalar float loops,
/// for the training-throughput baseline: embeddings, a one-layer bidirectional LSTM encoder, an LSTM decoder started
/// from the encoder's final states (directions concatenated, forward first) with input feeding, additive attention
/// score_j = vᵀ tanh(W_q h + W_k k_j + b) over the encoder outputs, a dense layer over [h; context], mean softmax
/// cross-entropy, then backward through everything, global-norm clipping and Adam (PyTorch's rules). Parameters use
/// PyTorch's tensor layouts. Allocation-free after construction; token tensors are batch-major [B, length].
/// </summary>
public sealed class ScalarEncoderDecoder
{
    private readonly int _vocabulary, _embedding, _encoderHidden, _decoderHidden, _attention, _maxLength, _maxBatch;
    private readonly int _memorySize, _decoderInput, _headInput;
    private readonly float[][] _parameters, _gradients, _firstMoments, _secondMoments;
    private readonly StepRecord _forwardEncoder, _reverseEncoder, _decoder;
    private readonly float[] _sourceEmbedded, _targetEmbedded, _memory, _projectedKeys, _queryPart, _scores, _weights;
    private readonly float[] _contexts, _decoderInputs, _headInputs, _logits, _probabilities;
    private readonly float[] _hidden, _cell;           // running state of one pass, [B, 2E] = [B, D]
    private readonly float[] _dHead, _dHidden, _dCell, _dContextFed, _dMemory, _dProjectedKeys, _dQuery, _dInput, _dScores, _scratch;
    private int _adamSteps;

    private const int SourceTokens = 0, TargetTokens = 1, ForwardIh = 2, ForwardHh = 3, ForwardBias = 4, ReverseIh = 5,
        ReverseHh = 6, ReverseBias = 7, DecoderIh = 8, DecoderHh = 9, DecoderBias = 10, QueryWeight = 11, KeyWeight = 12,
        AttentionBias = 13, ScoreWeight = 14, HeadWeight = 15, HeadBias = 16;

    /// <summary>Creates a model with zero parameters.</summary>
    /// <param name="vocabulary">Source and target vocabulary (also the classes).</param><param name="embedding">Embedding size.</param>
    /// <param name="encoderHidden">Encoder units per direction.</param><param name="attention">Attention layer size A.</param>
    /// <param name="maxLength">Longest source and target.</param><param name="maxBatch">Largest batch.</param>
    public ScalarEncoderDecoder(int vocabulary, int embedding, int encoderHidden, int attention, int maxLength, int maxBatch)
    {
        (_vocabulary, _embedding, _encoderHidden, _attention, _maxLength, _maxBatch) = (vocabulary, embedding, encoderHidden, attention, maxLength, maxBatch);
        _decoderHidden = _memorySize = 2 * encoderHidden;
        _decoderInput = embedding + _memorySize;
        _headInput = _decoderHidden + _memorySize;
        int e = encoderHidden, d = _decoderHidden;
        int[] lengths =
        [
            vocabulary * embedding, vocabulary * embedding,
            4 * e * embedding, 4 * e * e, 2 * 4 * e, 4 * e * embedding, 4 * e * e, 2 * 4 * e,
            4 * d * _decoderInput, 4 * d * d, 2 * 4 * d,
            attention * d, attention * _memorySize, attention, attention,
            vocabulary * _headInput, vocabulary,
        ];
        _parameters = Allocate(lengths);
        _gradients = Allocate(lengths);
        _firstMoments = Allocate(lengths);
        _secondMoments = Allocate(lengths);
        _forwardEncoder = new StepRecord(embedding, e, maxLength * maxBatch);
        _reverseEncoder = new StepRecord(embedding, e, maxLength * maxBatch);
        _decoder = new StepRecord(_decoderInput, d, maxLength * maxBatch);
        int rows = maxLength * maxBatch;
        _sourceEmbedded = new float[rows * embedding];
        _targetEmbedded = new float[rows * embedding];
        _memory = new float[rows * _memorySize];
        _projectedKeys = new float[rows * attention];
        _queryPart = new float[rows * attention];
        _scores = new float[rows * maxLength];
        _weights = new float[rows * maxLength];
        _contexts = new float[rows * _memorySize];
        _decoderInputs = new float[rows * _decoderInput];
        _headInputs = new float[rows * _headInput];
        _logits = new float[rows * vocabulary];
        _probabilities = new float[rows * vocabulary];
        _dHead = new float[_headInput];
        _hidden = new float[maxBatch * d];
        _cell = new float[maxBatch * d];
        _dHidden = new float[maxBatch * d];
        _dCell = new float[maxBatch * d];
        _dContextFed = new float[maxBatch * _memorySize];
        _dMemory = new float[rows * _memorySize];
        _dProjectedKeys = new float[rows * attention];
        _dQuery = new float[attention];
        _dInput = new float[_decoderInput];   // the widest cell input: the decoder's [embedding; context]
        _dScores = new float[maxLength];
        _scratch = new float[4 * Math.Max(d, e)];
    }

    /// <summary>The tensors in PyTorch layout, in the order of <see cref="ParameterNames"/>.</summary>
    public float[][] Parameters => _parameters;

    /// <summary>
    /// Names of <see cref="Parameters"/>: module, then PyTorch tensor (the two LSTM biases are stored summed as
    /// "bias_ih + bias_hh", [2, 4H]: rows bias_ih then bias_hh).
    /// </summary>
    public static string[] ParameterNames { get; } =
    [
        "source.weight", "target.weight",
        "encoder.weight_ih_l0", "encoder.weight_hh_l0", "encoder.bias_l0", "encoder.weight_ih_l0_reverse", "encoder.weight_hh_l0_reverse", "encoder.bias_l0_reverse",
        "decoder.weight_ih", "decoder.weight_hh", "decoder.bias",
        "attention.query_weight", "attention.key_weight", "attention.bias", "attention.score_weight",
        "head.weight", "head.bias",
    ];

    /// <summary>Teacher-forced forward and the mean cross-entropy over all B·T target tokens, then backward.</summary>
    /// <param name="length">Source and target length.</param><param name="batch">B.</param>
    /// <param name="sources">[B, length].</param><param name="targetInputs">[B, length].</param><param name="targets">[B, length].</param>
    /// <returns>The loss before the update.</returns>
    public float ForwardBackward(int length, int batch, ReadOnlySpan<int> sources, ReadOnlySpan<int> targetInputs, ReadOnlySpan<int> targets)
    {
        if (length > _maxLength || batch > _maxBatch)
        {
            throw new ArgumentOutOfRangeException(nameof(length), "length or batch exceeds the maxima given to the constructor.");
        }

        foreach (float[] g in _gradients)
        {
            Array.Clear(g);
        }

        int s = length, e = _encoderHidden, d = _decoderHidden, m = _memorySize, a = _attention, v = _vocabulary;
        float[][] p = _parameters;

        // Encoder: time-major rows (t, b); outputs [t, b, 2E] forward half first.
        Embed(p[SourceTokens], sources, length, batch, _sourceEmbedded);
        Span<float> h = _hidden.AsSpan(0, batch * d), c = _cell.AsSpan(0, batch * d);
        h.Clear();
        c.Clear();
        for (int t = 0; t < s; t++)
        {
            for (int b = 0; b < batch; b++)
            {
                int row = (t * batch) + b;
                _forwardEncoder.Forward(row, p[ForwardIh], p[ForwardHh], p[ForwardBias], _sourceEmbedded.AsSpan(row * _embedding, _embedding), h.Slice(b * d, e), c.Slice(b * d, e), _scratch);
                _forwardEncoder.Hidden(row).CopyTo(h.Slice(b * d, e));
                _forwardEncoder.Cell(row).CopyTo(c.Slice(b * d, e));
                _forwardEncoder.Hidden(row).CopyTo(_memory.AsSpan(row * m, e));
            }
        }

        for (int t = s - 1; t >= 0; t--)
        {
            for (int b = 0; b < batch; b++)
            {
                int row = (t * batch) + b;
                _reverseEncoder.Forward(row, p[ReverseIh], p[ReverseHh], p[ReverseBias], _sourceEmbedded.AsSpan(row * _embedding, _embedding), h.Slice((b * d) + e, e), c.Slice((b * d) + e, e), _scratch);
                _reverseEncoder.Hidden(row).CopyTo(h.Slice((b * d) + e, e));
                _reverseEncoder.Cell(row).CopyTo(c.Slice((b * d) + e, e));
                _reverseEncoder.Hidden(row).CopyTo(_memory.AsSpan((row * m) + e, e));
            }
        }

        // h, c now hold [forward final; reverse final] per sample: the decoder's initial state.
        for (int row = 0; row < s * batch; row++)
        {
            MatrixVector(p[KeyWeight], _memory.AsSpan(row * m, m), _projectedKeys.AsSpan(row * a, a), accumulate: false);
        }

        // Decoder.
        Embed(p[TargetTokens], targetInputs, length, batch, _targetEmbedded);
        float loss = 0;
        for (int t = 0; t < s; t++)
        {
            for (int b = 0; b < batch; b++)
            {
                int row = (t * batch) + b;
                Span<float> input = _decoderInputs.AsSpan(row * _decoderInput, _decoderInput);
                _targetEmbedded.AsSpan(row * _embedding, _embedding).CopyTo(input);
                if (t == 0)
                {
                    input[_embedding..].Clear();
                }
                else
                {
                    _contexts.AsSpan((row - batch) * m, m).CopyTo(input[_embedding..]);
                }

                _decoder.Forward(row, p[DecoderIh], p[DecoderHh], p[DecoderBias], input, h.Slice(b * d, d), c.Slice(b * d, d), _scratch);
                _decoder.Hidden(row).CopyTo(h.Slice(b * d, d));
                _decoder.Cell(row).CopyTo(c.Slice(b * d, d));

                // Attention over this sample's memory rows (j, b).
                Span<float> query = _queryPart.AsSpan(row * a, a);
                p[AttentionBias].CopyTo(query);
                MatrixVector(p[QueryWeight], _decoder.Hidden(row), query, accumulate: true);
                Span<float> weights = _weights.AsSpan(row * _maxLength, s);
                float max = float.NegativeInfinity;
                for (int j = 0; j < s; j++)
                {
                    float score = 0;
                    ReadOnlySpan<float> key = _projectedKeys.AsSpan(((j * batch) + b) * a, a);
                    for (int k = 0; k < a; k++)
                    {
                        score += p[ScoreWeight][k] * MathF.Tanh(query[k] + key[k]);
                    }

                    weights[j] = score;
                    max = MathF.Max(max, score);
                }

                Softmax(weights, max);
                Span<float> context = _contexts.AsSpan(row * m, m);
                context.Clear();
                for (int j = 0; j < s; j++)
                {
                    ReadOnlySpan<float> memory = _memory.AsSpan(((j * batch) + b) * m, m);
                    for (int k = 0; k < m; k++)
                    {
                        context[k] += weights[j] * memory[k];
                    }
                }

                Span<float> head = _headInputs.AsSpan(row * _headInput, _headInput);
                _decoder.Hidden(row).CopyTo(head);
                context.CopyTo(head[d..]);
                Span<float> logits = _logits.AsSpan(row * v, v);
                p[HeadBias].CopyTo(logits);
                MatrixVector(p[HeadWeight], head, logits, accumulate: true);
                int target = targets[(b * length) + t];
                float logitMax = float.NegativeInfinity;
                foreach (float z in logits)
                {
                    logitMax = MathF.Max(logitMax, z);
                }

                Span<float> probabilities = _probabilities.AsSpan(row * v, v);
                float total = 0;
                for (int k = 0; k < v; k++)
                {
                    probabilities[k] = MathF.Exp(logits[k] - logitMax);
                    total += probabilities[k];
                }

                loss += MathF.Log(total) + logitMax - logits[target];
                for (int k = 0; k < v; k++)
                {
                    probabilities[k] /= total;
                }
            }
        }

        int rows = s * batch;
        loss /= rows;

        // Backward through the decoder, last step first. dL/dlogits = (p − onehot) / rows.
        Span<float> dH = _dHidden.AsSpan(0, batch * d), dC = _dCell.AsSpan(0, batch * d), dFed = _dContextFed.AsSpan(0, batch * m);
        dH.Clear();
        dC.Clear();
        dFed.Clear();
        Array.Clear(_dMemory);
        Array.Clear(_dProjectedKeys);
        for (int t = s - 1; t >= 0; t--)
        {
            for (int b = 0; b < batch; b++)
            {
                int row = (t * batch) + b;
                Span<float> dLogits = _probabilities.AsSpan(row * v, v);
                dLogits[targets[(b * length) + t]] -= 1;
                for (int k = 0; k < v; k++)
                {
                    dLogits[k] /= rows;
                }

                ReadOnlySpan<float> head = _headInputs.AsSpan(row * _headInput, _headInput);
                LinearBackward(p[HeadWeight], head, dLogits, _gradients[HeadWeight], _gradients[HeadBias], _dHead);

                // Context gradient: from the head plus what the next step's input fed back.
                Span<float> dContext = _dHead.AsSpan(d, m), dFedRow = dFed.Slice(b * m, m);
                for (int k = 0; k < m; k++)
                {
                    dContext[k] += dFedRow[k];
                }

                Span<float> dHidden = dH.Slice(b * d, d);
                for (int k = 0; k < d; k++)
                {
                    dHidden[k] += _dHead[k];
                }

                // Attention backward.
                ReadOnlySpan<float> weights = _weights.AsSpan(row * _maxLength, s);
                ReadOnlySpan<float> query = _queryPart.AsSpan(row * a, a);
                float weighted = 0;
                for (int j = 0; j < s; j++)
                {
                    int memoryRow = (j * batch) + b;
                    ReadOnlySpan<float> memory = _memory.AsSpan(memoryRow * m, m);
                    Span<float> dMemory = _dMemory.AsSpan(memoryRow * m, m);
                    float dWeight = 0;
                    for (int k = 0; k < m; k++)
                    {
                        dWeight += dContext[k] * memory[k];
                        dMemory[k] += weights[j] * dContext[k];
                    }

                    _dScores[j] = dWeight;
                    weighted += weights[j] * dWeight;
                }

                Span<float> dQuery = _dQuery;
                dQuery.Clear();
                for (int j = 0; j < s; j++)
                {
                    float dScore = weights[j] * (_dScores[j] - weighted);
                    int memoryRow = (j * batch) + b;
                    ReadOnlySpan<float> key = _projectedKeys.AsSpan(memoryRow * a, a);
                    Span<float> dKey = _dProjectedKeys.AsSpan(memoryRow * a, a);
                    for (int k = 0; k < a; k++)
                    {
                        float th = MathF.Tanh(query[k] + key[k]);
                        _gradients[ScoreWeight][k] += dScore * th;
                        float dz = dScore * p[ScoreWeight][k] * (1 - (th * th));
                        dQuery[k] += dz;
                        dKey[k] += dz;
                    }
                }

                for (int k = 0; k < a; k++)
                {
                    _gradients[AttentionBias][k] += dQuery[k];
                }

                OuterAdd(dQuery, _decoder.Hidden(row), _gradients[QueryWeight]);
                MatrixTransposeVectorAdd(p[QueryWeight], dQuery, dHidden);

                // Decoder LSTM step backward: dInput = [dEmbedding; dFed context of step t − 1].
                _decoder.Backward(row, p[DecoderIh], p[DecoderHh], _gradients[DecoderIh], _gradients[DecoderHh], _gradients[DecoderBias], dHidden, dC.Slice(b * d, d), _dInput.AsSpan(0, _decoderInput), _scratch);
                int token = targetInputs[(b * length) + t];
                AddRow(_dInput.AsSpan(0, _embedding), _gradients[TargetTokens].AsSpan(token * _embedding, _embedding));
                _dInput.AsSpan(_embedding, m).CopyTo(dFedRow);
            }
        }

        // Key projections back to the memory and W_k.
        for (int row = 0; row < rows; row++)
        {
            OuterAdd(_dProjectedKeys.AsSpan(row * a, a), _memory.AsSpan(row * m, m), _gradients[KeyWeight]);
            MatrixTransposeVectorAdd(p[KeyWeight], _dProjectedKeys.AsSpan(row * a, a), _dMemory.AsSpan(row * m, m));
        }

        // Encoder backward: dH, dC now hold the gradient of the decoder's initial state = the encoder's final states.
        for (int t = 0; t < s; t++)
        {
            for (int b = 0; b < batch; b++)
            {
                int row = (t * batch) + b;
                Span<float> dh = dH.Slice((b * d) + e, e);
                AddRow(_dMemory.AsSpan((row * m) + e, e), dh);
                _reverseEncoder.Backward(row, p[ReverseIh], p[ReverseHh], _gradients[ReverseIh], _gradients[ReverseHh], _gradients[ReverseBias], dh, dC.Slice((b * d) + e, e), _dInput.AsSpan(0, _embedding), _scratch);
                AddRow(_dInput.AsSpan(0, _embedding), _gradients[SourceTokens].AsSpan(sources[(b * length) + t] * _embedding, _embedding));
            }
        }

        for (int t = s - 1; t >= 0; t--)
        {
            for (int b = 0; b < batch; b++)
            {
                int row = (t * batch) + b;
                Span<float> dh = dH.Slice(b * d, e);
                AddRow(_dMemory.AsSpan(row * m, e), dh);
                _forwardEncoder.Backward(row, p[ForwardIh], p[ForwardHh], _gradients[ForwardIh], _gradients[ForwardHh], _gradients[ForwardBias], dh, dC.Slice(b * d, e), _dInput.AsSpan(0, _embedding), _scratch);
                AddRow(_dInput.AsSpan(0, _embedding), _gradients[SourceTokens].AsSpan(sources[(b * length) + t] * _embedding, _embedding));
            }
        }

        return loss;
    }

    /// <summary>Scales all gradients so their global L2 norm is at most <paramref name="maxNorm"/> (PyTorch's clip_grad_norm_), then one Adam step.</summary>
    /// <param name="maxNorm">Clipping threshold.</param><param name="learningRate">Adam's learning rate (β 0.9, 0.999, ε 1e-8).</param>
    public void ClipAndAdam(float maxNorm, float learningRate)
    {
        double squares = 0;
        foreach (float[] g in _gradients)
        {
            foreach (float x in g)
            {
                squares += (double)x * x;
            }
        }

        float norm = (float)Math.Sqrt(squares);
        float clip = norm > maxNorm ? maxNorm / (norm + 1e-6f) : 1f;
        _adamSteps++;
        float correction1 = 1 - MathF.Pow(0.9f, _adamSteps), correction2 = 1 - MathF.Pow(0.999f, _adamSteps);
        for (int i = 0; i < _parameters.Length; i++)
        {
            float[] w = _parameters[i], g = _gradients[i], m1 = _firstMoments[i], m2 = _secondMoments[i];
            for (int k = 0; k < w.Length; k++)
            {
                float grad = g[k] * clip;
                m1[k] = (0.9f * m1[k]) + (0.1f * grad);
                m2[k] = (0.999f * m2[k]) + (0.001f * grad * grad);
                w[k] -= learningRate * (m1[k] / correction1) / (MathF.Sqrt(m2[k] / correction2) + 1e-8f);
            }
        }
    }

    private static float[][] Allocate(int[] lengths)
    {
        var arrays = new float[lengths.Length][];
        for (int i = 0; i < lengths.Length; i++)
        {
            arrays[i] = new float[lengths[i]];
        }

        return arrays;
    }

    private void Embed(float[] table, ReadOnlySpan<int> tokens, int length, int batch, float[] destination)
    {
        for (int t = 0; t < length; t++)
        {
            for (int b = 0; b < batch; b++)
            {
                table.AsSpan(tokens[(b * length) + t] * _embedding, _embedding).CopyTo(destination.AsSpan(((t * batch) + b) * _embedding, _embedding));
            }
        }
    }

    private static void Softmax(Span<float> values, float max)
    {
        float total = 0;
        for (int j = 0; j < values.Length; j++)
        {
            values[j] = MathF.Exp(values[j] - max);
            total += values[j];
        }

        for (int j = 0; j < values.Length; j++)
        {
            values[j] /= total;
        }
    }

    // destination (+)= W x for a row-major [destination.Length, x.Length] matrix.
    private static void MatrixVector(ReadOnlySpan<float> weight, ReadOnlySpan<float> x, Span<float> destination, bool accumulate)
    {
        int n = x.Length;
        for (int r = 0; r < destination.Length; r++)
        {
            float sum = accumulate ? destination[r] : 0;
            for (int k = 0; k < n; k++)
            {
                sum += weight[(r * n) + k] * x[k];
            }

            destination[r] = sum;
        }
    }

    // destination += Wᵀ y.
    private static void MatrixTransposeVectorAdd(ReadOnlySpan<float> weight, ReadOnlySpan<float> y, Span<float> destination)
    {
        int n = destination.Length;
        for (int r = 0; r < y.Length; r++)
        {
            for (int k = 0; k < n; k++)
            {
                destination[k] += weight[(r * n) + k] * y[r];
            }
        }
    }

    // gradient += y xᵀ.
    private static void OuterAdd(ReadOnlySpan<float> y, ReadOnlySpan<float> x, Span<float> gradient)
    {
        int n = x.Length;
        for (int r = 0; r < y.Length; r++)
        {
            for (int k = 0; k < n; k++)
            {
                gradient[(r * n) + k] += y[r] * x[k];
            }
        }
    }

    private static void LinearBackward(ReadOnlySpan<float> weight, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dWeight, Span<float> dBias, Span<float> dx)
    {
        for (int r = 0; r < dy.Length; r++)
        {
            dBias[r] += dy[r];
        }

        OuterAdd(dy, x, dWeight);
        dx.Clear();
        MatrixTransposeVectorAdd(weight, dy, dx);
    }

    private static void AddRow(ReadOnlySpan<float> source, Span<float> destination)
    {
        for (int k = 0; k < source.Length; k++)
        {
            destination[k] += source[k];
        }
    }

    /// <summary>LSTM steps (PyTorch gates i, f, g, o) that keep what their backward needs, one record per (t, b) row.</summary>
    private sealed class StepRecord
    {
        private readonly int _input, _hidden;
        private readonly float[] _inputs, _previousHidden, _previousCell, _gates, _cells, _hiddens;

        public StepRecord(int input, int hidden, int rows)
        {
            (_input, _hidden) = (input, hidden);
            _inputs = new float[rows * input];
            _previousHidden = new float[rows * hidden];
            _previousCell = new float[rows * hidden];
            _gates = new float[rows * 4 * hidden];
            _cells = new float[rows * hidden];
            _hiddens = new float[rows * hidden];
        }

        public ReadOnlySpan<float> Hidden(int row) => _hiddens.AsSpan(row * _hidden, _hidden);

        public ReadOnlySpan<float> Cell(int row) => _cells.AsSpan(row * _hidden, _hidden);

        // bias holds bias_ih (first 4H) then bias_hh (next 4H).
        public void Forward(int row, float[] weightIh, float[] weightHh, float[] bias, ReadOnlySpan<float> x, ReadOnlySpan<float> h, ReadOnlySpan<float> c, float[] scratch)
        {
            int n = _input, hs = _hidden, g4 = 4 * hs;
            x.CopyTo(_inputs.AsSpan(row * n, n));
            h.CopyTo(_previousHidden.AsSpan(row * hs, hs));
            c.CopyTo(_previousCell.AsSpan(row * hs, hs));
            Span<float> z = scratch.AsSpan(0, g4);
            for (int r = 0; r < g4; r++)
            {
                float sum = bias[r] + bias[g4 + r];
                for (int k = 0; k < n; k++)
                {
                    sum += weightIh[(r * n) + k] * x[k];
                }

                for (int k = 0; k < hs; k++)
                {
                    sum += weightHh[(r * hs) + k] * h[k];
                }

                z[r] = sum;
            }

            Span<float> gates = _gates.AsSpan(row * g4, g4);
            for (int j = 0; j < hs; j++)
            {
                float i = Sigmoid(z[j]), f = Sigmoid(z[hs + j]), g = MathF.Tanh(z[(2 * hs) + j]), o = Sigmoid(z[(3 * hs) + j]);
                (gates[j], gates[hs + j], gates[(2 * hs) + j], gates[(3 * hs) + j]) = (i, f, g, o);
                float cell = (f * c[j]) + (i * g);
                _cells[(row * hs) + j] = cell;
                _hiddens[(row * hs) + j] = o * MathF.Tanh(cell);
            }
        }

        // dh, dc: gradients of this step's outputs in, of its inputs (h_{t−1}, c_{t−1}) out; dx overwritten.
        public void Backward(int row, float[] weightIh, float[] weightHh, float[] dWeightIh, float[] dWeightHh, float[] dBias, Span<float> dh, Span<float> dc, Span<float> dx, float[] scratch)
        {
            int n = _input, hs = _hidden, g4 = 4 * hs;
            ReadOnlySpan<float> gates = _gates.AsSpan(row * g4, g4), cPrev = _previousCell.AsSpan(row * hs, hs);
            Span<float> dz = scratch.AsSpan(0, g4);
            for (int j = 0; j < hs; j++)
            {
                float i = gates[j], f = gates[hs + j], g = gates[(2 * hs) + j], o = gates[(3 * hs) + j];
                float tanhC = MathF.Tanh(_cells[(row * hs) + j]);
                float dCell = dc[j] + (dh[j] * o * (1 - (tanhC * tanhC)));
                dz[j] = dCell * g * i * (1 - i);
                dz[hs + j] = dCell * cPrev[j] * f * (1 - f);
                dz[(2 * hs) + j] = dCell * i * (1 - (g * g));
                dz[(3 * hs) + j] = dh[j] * tanhC * o * (1 - o);
                dc[j] = dCell * f;
            }

            OuterAdd(dz, _inputs.AsSpan(row * n, n), dWeightIh);
            OuterAdd(dz, _previousHidden.AsSpan(row * hs, hs), dWeightHh);
            for (int r = 0; r < g4; r++)
            {
                dBias[r] += dz[r];
                dBias[g4 + r] += dz[r];
            }

            dx.Clear();
            MatrixTransposeVectorAdd(weightIh, dz, dx);
            dh.Clear();
            MatrixTransposeVectorAdd(weightHh, dz, dh);
        }

        private static float Sigmoid(float v) => 1f / (1f + MathF.Exp(-v));
    }
}

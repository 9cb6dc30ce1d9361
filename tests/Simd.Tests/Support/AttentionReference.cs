using System;
using System.Collections.Generic;
using System.Linq;

namespace Simd.Tests.Support;

/// <summary>The single-head score functions of the attention contract.</summary>
public enum AttentionScore
{
    Additive,
    Concat,
    General,
    Dot,
}

/// <summary>
/// Rounding model of one element type, for first-order forward error bounds (Higham's γ_n = n·u / (1 − n·u)).
/// The function errors are the kernels' documented bounds: tanh absolute error below 2.4e-7 float and 4.5e-16 double
/// (AttentionMath.AdditiveScores' exp-only tanh; VectorMath.Tanh's is smaller) and exp relative error (VectorMath:
/// polynomial 1.1e-7 float, 2.9e-16 double, plus one rounding of the result). Exponentials below the documented cutoff (e^−87.5 float, e^−708 double)
/// are exactly 0 and results near it are subnormal, so every probability may also be off by up to the smallest normal
/// number (1.18e-38, 2.23e-308) or the cutoff value (1.0e-38, 3.3e-308), whichever is larger.
/// </summary>
internal readonly record struct AttentionPrecision(double Unit, double TanhAbsolute, double ExpRelative, double Underflow)
{
    public static AttentionPrecision Float { get; } = new(Math.Pow(2, -24), 2.4e-7, 1.1e-7 + Math.Pow(2, -24), 1.2e-38);

    public static AttentionPrecision Double { get; } = new(Math.Pow(2, -53), 4.5e-16, 2.9e-16 + Math.Pow(2, -53), 3.4e-308);

    public static AttentionPrecision Of<T>() => typeof(T) == typeof(float) ? Float : Double;

    /// <summary>γ_n: the relative error bound of a sum or dot product of n terms in any order.</summary>
    public double Gamma(int n) => n * Unit / (1 - (n * Unit));
}

/// <summary>
/// The tensor names and sizes of the contract, in ParameterNames order, independent of the generated code. The
/// references take the tensors concatenated in this order, each row-major in its PyTorch shape (as ExportParameter
/// writes them, whatever the cell's internal layout).
/// </summary>
internal static class AttentionLayout
{
    public static (string Name, int Length)[] SingleHead(AttentionScore score, int q, int k, int a) => score switch
    {
        AttentionScore.Additive => new[] { ("query_weight", a * q), ("key_weight", a * k), ("bias", a), ("score_weight", a) },
        AttentionScore.Concat => new[] { ("query_weight", a * q), ("key_weight", a * k), ("score_weight", a) },
        AttentionScore.General => new[] { ("weight", q * k) },
        _ => Array.Empty<(string, int)>(),
    };

    public static (string Name, int Length)[] MultiHead(int e) =>
        new[] { ("in_proj_weight", 3 * e * e), ("in_proj_bias", 3 * e), ("out_proj.weight", e * e), ("out_proj.bias", e) };

    /// <summary>Offset of each tensor when they are concatenated in order.</summary>
    public static Dictionary<string, int> Offsets((string Name, int Length)[] tensors)
    {
        var offsets = new Dictionary<string, int>(StringComparer.Ordinal);
        var at = 0;
        foreach (var (name, length) in tensors)
        {
            offsets[name] = at;
            at += length;
        }

        return offsets;
    }
}

/// <summary>
/// Single-head attention in double, written from the contract's formulas with plain loops. Optionally it also returns a
/// first-order bound on the error a cell computing in a lower precision may make on each output, from the magnitudes
/// of the terms of every sum (see <see cref="AttentionPrecision"/>).
/// </summary>
internal sealed class SingleHeadReference
{
    private readonly double[] _parameters;
    private readonly Dictionary<string, int> _offsets;

    public SingleHeadReference(AttentionScore score, int querySize, int keySize, int valueSize, int attentionSize, double[] parameters)
    {
        Score = score;
        Q = querySize;
        K = keySize;
        V = valueSize;
        A = attentionSize;
        _parameters = parameters;
        _offsets = AttentionLayout.Offsets(AttentionLayout.SingleHead(score, Q, K, A));
    }

    public AttentionScore Score { get; }

    public int Q { get; }

    public int K { get; }

    public int V { get; }

    public int A { get; }

    private double P(string tensor, int index) => _parameters[_offsets[tensor] + index];

    /// <summary>
    /// One decoder step for a batch: context [B, V] and weights [B, T]. <paramref name="lengths"/> empty means all T
    /// keys are valid. With a precision, <paramref name="contextBound"/> and <paramref name="weightBound"/> receive the
    /// first-order error bounds of each element.
    /// </summary>
    public void Step(
        int keyCount, int batch, double[] keys, double[] values, int[] lengths, double[] queries,
        double[] context, double[] weights, AttentionPrecision? precision = null, double[]? contextBound = null, double[]? weightBound = null)
    {
        var scores = new double[keyCount];
        var scoreErrors = new double[keyCount];
        for (var b = 0; b < batch; b++)
        {
            var n = lengths.Length == 0 ? keyCount : lengths[b];
            var q = queries.AsSpan(b * Q, Q);
            for (var j = 0; j < n; j++)
            {
                (scores[j], scoreErrors[j]) = ScoreOf(q, keys.AsSpan(((b * keyCount) + j) * K, K), precision);
            }

            var alpha = new double[keyCount];
            var alphaError = new double[keyCount];
            Softmax(scores.AsSpan(0, n), scoreErrors.AsSpan(0, n), alpha, alphaError, precision);
            for (var j = 0; j < keyCount; j++)
            {
                weights[(b * keyCount) + j] = alpha[j];
                if (weightBound is not null)
                {
                    weightBound[(b * keyCount) + j] = alphaError[j];
                }
            }

            for (var c = 0; c < V; c++)
            {
                double sum = 0, magnitude = 0, propagated = 0;
                for (var j = 0; j < n; j++)
                {
                    var v = values[(((b * keyCount) + j) * V) + c];
                    sum += alpha[j] * v;
                    magnitude += Math.Abs(alpha[j] * v);
                    propagated += alphaError[j] * Math.Abs(v);
                }

                context[(b * V) + c] = sum;
                if (contextBound is not null && precision is { } p)
                {
                    contextBound[(b * V) + c] = propagated + (p.Gamma(n) * magnitude);
                }
            }
        }
    }

    /// <summary>The largest |score| of any valid key: how large the logits of a problem are.</summary>
    public double MaxAbsScore(int keyCount, int batch, double[] keys, int[] lengths, double[] queries)
    {
        var max = 0.0;
        for (var b = 0; b < batch; b++)
        {
            var n = lengths.Length == 0 ? keyCount : lengths[b];
            for (var j = 0; j < n; j++)
            {
                max = Math.Max(max, Math.Abs(ScoreOf(queries.AsSpan(b * Q, Q), keys.AsSpan(((b * keyCount) + j) * K, K), null).Score));
            }
        }

        return max;
    }

    private (double Score, double Error) ScoreOf(ReadOnlySpan<double> q, ReadOnlySpan<double> k, AttentionPrecision? precision)
    {
        switch (Score)
        {
            case AttentionScore.Dot:
            {
                double sum = 0, magnitude = 0;
                for (var i = 0; i < Q; i++)
                {
                    sum += q[i] * k[i];
                    magnitude += Math.Abs(q[i] * k[i]);
                }

                return (sum, precision is { } p ? p.Gamma(Q) * magnitude : 0);
            }

            case AttentionScore.General:
            {
                // Either association, (qᵀW)k or qᵀ(Wk), is a sum of Q·K products through at most Q + K roundings.
                double sum = 0, magnitude = 0;
                for (var r = 0; r < Q; r++)
                {
                    for (var c = 0; c < K; c++)
                    {
                        var term = q[r] * P("weight", (r * K) + c) * k[c];
                        sum += term;
                        magnitude += Math.Abs(term);
                    }
                }

                return (sum, precision is { } p ? p.Gamma(Q + K) * magnitude : 0);
            }

            default:
            {
                var hasBias = Score == AttentionScore.Additive;
                double sum = 0, magnitude = 0, propagated = 0;
                for (var a = 0; a < A; a++)
                {
                    double pre = hasBias ? P("bias", a) : 0, preMagnitude = Math.Abs(pre);
                    for (var i = 0; i < Q; i++)
                    {
                        pre += P("query_weight", (a * Q) + i) * q[i];
                        preMagnitude += Math.Abs(P("query_weight", (a * Q) + i) * q[i]);
                    }

                    for (var i = 0; i < K; i++)
                    {
                        pre += P("key_weight", (a * K) + i) * k[i];
                        preMagnitude += Math.Abs(P("key_weight", (a * K) + i) * k[i]);
                    }

                    var t = Math.Tanh(pre);
                    var s = P("score_weight", a);
                    sum += s * t;
                    magnitude += Math.Abs(s * t);

                    // |tanh'| ≤ 1, so an error in the pre-activation passes through at most unchanged.
                    if (precision is { } p)
                    {
                        propagated += Math.Abs(s) * ((p.Gamma(Q + K + 2) * preMagnitude) + p.TanhAbsolute);
                    }
                }

                return (sum, precision is { } pr ? propagated + (pr.Gamma(A) * magnitude) : 0);
            }
        }
    }

    /// <summary>
    /// Max-subtracted softmax of the valid scores into the first scores.Length entries (the rest stay 0), with
    /// first-order error bounds: exponent j is off by its score's error and the rounding u·|s_j − max| of the
    /// subtraction (the softmax does not depend on the constant subtracted, so the maximum's own error cancels); each
    /// exponential by ExpRelative; the normalisation by the α-weighted mean of those plus (n + 4)·u roundings.
    /// </summary>
    public static void Softmax(ReadOnlySpan<double> scores, ReadOnlySpan<double> scoreErrors, Span<double> alpha, Span<double> alphaError, AttentionPrecision? precision)
    {
        var n = scores.Length;
        if (n == 0)
        {
            return;
        }

        var max = double.NegativeInfinity;
        for (var j = 0; j < n; j++)
        {
            max = Math.Max(max, scores[j]);
        }

        double sum = 0;
        for (var j = 0; j < n; j++)
        {
            alpha[j] = Math.Exp(scores[j] - max);
            sum += alpha[j];
        }

        var exponentErrors = new double[n];
        var meanError = 0.0;
        for (var j = 0; j < n; j++)
        {
            alpha[j] /= sum;
            if (precision is { } p)
            {
                exponentErrors[j] = scoreErrors[j] + (p.Unit * Math.Abs(scores[j] - max)) + p.ExpRelative;
                meanError += alpha[j] * exponentErrors[j];
            }
        }

        if (precision is { } pr)
        {
            for (var j = 0; j < n; j++)
            {
                alphaError[j] = (alpha[j] * (exponentErrors[j] + meanError + ((n + 4) * pr.Unit))) + pr.Underflow;
            }
        }
    }
}

/// <summary>
/// PyTorch nn.MultiheadAttention (batch_first, biases, no dropout) in double with plain loops, from the contract's
/// formulas, with optional first-order error bounds of every output and weight.
/// </summary>
internal sealed class MultiHeadReference
{
    private readonly double[] _parameters;

    public MultiHeadReference(int modelSize, int heads, double[] parameters)
    {
        E = modelSize;
        H = heads;
        D = modelSize / heads;
        _parameters = parameters;
    }

    public int E { get; }

    public int H { get; }

    public int D { get; }

    private double InWeight(int row, int column) => _parameters[(row * E) + column];

    private double InBias(int row) => _parameters[(3 * E * E) + row];

    private double OutWeight(int row, int column) => _parameters[(3 * E * E) + (3 * E) + (row * E) + column];

    private double OutBias(int row) => _parameters[(3 * E * E) + (3 * E) + (E * E) + row];

    /// <summary>Whether query i may see key j of sample b.</summary>
    public static bool Allowed(int i, int j, int keyLength, bool causal) => j < keyLength && (!causal || j <= i);

    /// <summary>output [B, Tq, E] and weights [B, H, Tq, Tk]; with a precision, the bounds of each element too.</summary>
    public void Forward(
        int queryCount, int keyCount, int batch, double[] query, double[] key, double[] value, int[] keyLengths, bool causal,
        double[] output, double[] weights, AttentionPrecision? precision = null, double[]? outputBound = null, double[]? weightBound = null)
    {
        var scale = 1 / Math.Sqrt(D);
        for (var b = 0; b < batch; b++)
        {
            var (qp, qe) = Project(0, query.AsSpan(b * queryCount * E, queryCount * E), queryCount, precision);
            var (kp, ke) = Project(1, key.AsSpan(b * keyCount * E, keyCount * E), keyCount, precision);
            var (vp, ve) = Project(2, value.AsSpan(b * keyCount * E, keyCount * E), keyCount, precision);
            var length = keyLengths.Length == 0 ? keyCount : keyLengths[b];
            var contextRows = new double[queryCount * E];
            var contextErrors = new double[queryCount * E];
            for (var h = 0; h < H; h++)
            {
                for (var i = 0; i < queryCount; i++)
                {
                    var allowed = Enumerable.Range(0, keyCount).Where(j => Allowed(i, j, length, causal)).ToArray();
                    var scores = new double[allowed.Length];
                    var scoreErrors = new double[allowed.Length];
                    for (var a = 0; a < allowed.Length; a++)
                    {
                        var j = allowed[a];
                        double dot = 0, magnitude = 0, propagated = 0;
                        for (var c = h * D; c < (h + 1) * D; c++)
                        {
                            dot += qp[(i * E) + c] * kp[(j * E) + c];
                            magnitude += Math.Abs(qp[(i * E) + c] * kp[(j * E) + c]);
                            propagated += (Math.Abs(qp[(i * E) + c]) * ke[(j * E) + c]) + (Math.Abs(kp[(j * E) + c]) * qe[(i * E) + c]) + (qe[(i * E) + c] * ke[(j * E) + c]);
                        }

                        scores[a] = scale * dot;

                        // Two more roundings cover the scale (1/√d rounded, and the product).
                        scoreErrors[a] = precision is { } p ? scale * (propagated + (p.Gamma(D + 2) * magnitude)) : 0;
                    }

                    var alpha = new double[allowed.Length];
                    var alphaError = new double[allowed.Length];
                    SingleHeadReference.Softmax(scores, scoreErrors, alpha, alphaError, precision);
                    var row = ((((b * H) + h) * queryCount) + i) * keyCount;
                    for (var j = 0; j < keyCount; j++)
                    {
                        weights[row + j] = 0;
                        if (weightBound is not null)
                        {
                            weightBound[row + j] = 0;
                        }
                    }

                    for (var a = 0; a < allowed.Length; a++)
                    {
                        weights[row + allowed[a]] = alpha[a];
                        if (weightBound is not null)
                        {
                            weightBound[row + allowed[a]] = alphaError[a];
                        }
                    }

                    for (var c = h * D; c < (h + 1) * D; c++)
                    {
                        double sum = 0, magnitude = 0, propagated = 0;
                        for (var a = 0; a < allowed.Length; a++)
                        {
                            var j = allowed[a];
                            sum += alpha[a] * vp[(j * E) + c];
                            magnitude += Math.Abs(alpha[a] * vp[(j * E) + c]);
                            propagated += (alphaError[a] * Math.Abs(vp[(j * E) + c])) + (alpha[a] * ve[(j * E) + c]);
                        }

                        contextRows[(i * E) + c] = sum;
                        contextErrors[(i * E) + c] = precision is { } p ? propagated + (p.Gamma(allowed.Length) * magnitude) : 0;
                    }
                }
            }

            for (var i = 0; i < queryCount; i++)
            {
                for (var r = 0; r < E; r++)
                {
                    double sum = OutBias(r), magnitude = Math.Abs(OutBias(r)), propagated = 0;
                    for (var c = 0; c < E; c++)
                    {
                        sum += OutWeight(r, c) * contextRows[(i * E) + c];
                        magnitude += Math.Abs(OutWeight(r, c) * contextRows[(i * E) + c]);
                        propagated += Math.Abs(OutWeight(r, c)) * contextErrors[(i * E) + c];
                    }

                    var at = (((b * queryCount) + i) * E) + r;
                    output[at] = sum;
                    if (outputBound is not null && precision is { } p)
                    {
                        outputBound[at] = propagated + (p.Gamma(E + 1) * magnitude);
                    }
                }
            }
        }
    }

    /// <summary>The largest |S[i, j]| over allowed pairs: how large the logits of a problem are.</summary>
    public double MaxAbsScore(int queryCount, int keyCount, int batch, double[] query, double[] key, int[] keyLengths, bool causal)
    {
        var max = 0.0;
        for (var b = 0; b < batch; b++)
        {
            var (qp, _) = Project(0, query.AsSpan(b * queryCount * E, queryCount * E), queryCount, null);
            var (kp, _) = Project(1, key.AsSpan(b * keyCount * E, keyCount * E), keyCount, null);
            var length = keyLengths.Length == 0 ? keyCount : keyLengths[b];
            for (var h = 0; h < H; h++)
            {
                for (var i = 0; i < queryCount; i++)
                {
                    for (var j = 0; j < keyCount; j++)
                    {
                        if (Allowed(i, j, length, causal))
                        {
                            var dot = 0.0;
                            for (var c = h * D; c < (h + 1) * D; c++)
                            {
                                dot += qp[(i * E) + c] * kp[(j * E) + c];
                            }

                            max = Math.Max(max, Math.Abs(dot) / Math.Sqrt(D));
                        }
                    }
                }
            }
        }

        return max;
    }

    /// <summary>Rows x·W_partᵀ + b_part of one of the three input projections, and their error bounds.</summary>
    private (double[] Projected, double[] Errors) Project(int part, ReadOnlySpan<double> x, int tokens, AttentionPrecision? precision)
    {
        var projected = new double[tokens * E];
        var errors = new double[tokens * E];
        for (var t = 0; t < tokens; t++)
        {
            for (var r = 0; r < E; r++)
            {
                double sum = InBias((part * E) + r), magnitude = Math.Abs(sum);
                for (var c = 0; c < E; c++)
                {
                    sum += InWeight((part * E) + r, c) * x[(t * E) + c];
                    magnitude += Math.Abs(InWeight((part * E) + r, c) * x[(t * E) + c]);
                }

                projected[(t * E) + r] = sum;
                errors[(t * E) + r] = precision is { } p ? p.Gamma(E + 1) * magnitude : 0;
            }
        }

        return (projected, errors);
    }
}

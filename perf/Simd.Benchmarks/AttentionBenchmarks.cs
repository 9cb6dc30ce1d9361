using System;
using BenchmarkDotNet.Attributes;

namespace Simd.Benchmarks;

/// <summary>
/// One additive-attention decoder step of one sample (batch 1) per call over T = 128 prepared keys (query 64, keys and
/// values 64, attention layer 64): the scalar reference (<see cref="ScalarAdditiveAttention"/>) against the generated
/// cell's <c>Step</c>. Both project the keys once, in setup, as a decoder does once per source sequence; a step then
/// costs one query projection plus T·A tanh terms, a softmax over T and a weighted sum of T values.
/// </summary>
[MemoryDiagnoser]
public class AdditiveAttentionStepBenchmarks
{
    /// <summary>Keys per sample, T.</summary>
    public const int Keys = 128;

    private const int QuerySize = 64, KeySize = 64, AttentionSize = 64;

    private readonly ScalarAdditiveAttention _scalar = new(QuerySize, KeySize, KeySize, AttentionSize, Keys);
    private readonly Additive64x64x64 _cell = new();
    private readonly float[] _contextScalar = new float[KeySize], _contextSimd = new float[KeySize];
    private readonly float[] _weightsScalar = new float[Keys], _weightsSimd = new float[Keys];
    private AttentionWorkspace<float> _workspace = null!;
    private float[] _query = null!;

    /// <summary>Gives both the same seeded parameters and keys (the values are the keys), and checks a few steps agree.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _scalar.Initialize(51);
        _cell.ImportParameter("query_weight", _scalar.QueryWeight);
        _cell.ImportParameter("key_weight", _scalar.KeyWeight);
        _cell.ImportParameter("bias", _scalar.Bias);
        _cell.ImportParameter("score_weight", _scalar.ScoreWeight);

        float[] keys = Verify.RandomArray(Keys * KeySize, 52);
        _scalar.Prepare(Keys, keys, keys);
        _workspace = _cell.CreateWorkspace(Keys, 1);
        _cell.Prepare(Keys, 1, keys, keys, ReadOnlySpan<int>.Empty, _workspace);

        for (int step = 1; step <= 3; step++)
        {
            _query = Verify.RandomArray(QuerySize, 52 + step);
            Scalar();
            Simd();
            AttentionVerify.CloseRelative($"Additive step T={Keys} context (query {step})", _contextSimd, _contextScalar);
            AttentionVerify.CloseRelative($"Additive step T={Keys} weights (query {step})", _weightsSimd, _weightsScalar);
        }
    }

    /// <summary>Scalar reference step.</summary>
    [Benchmark(Baseline = true)]
    public void Scalar() => _scalar.Step(_query, _contextScalar, _weightsScalar);

    /// <summary>Generated cell's <c>Step</c> (direct call on the sealed class), writing the context and the weights.</summary>
    [Benchmark]
    public void Simd() => _cell.Step(_query, _workspace, _contextSimd, _weightsSimd);
}

/// <summary>
/// One multi-head self-attention decoder step of one stream (batch 1) per call with a key/value cache (model 64,
/// 4 heads of 16): every call first truncates the cache back to 127 tokens, so each measured step projects the new
/// token, appends its key and value and attends over T = 128 cached tokens. Scalar reference
/// (<see cref="ScalarMultiHeadAttention.DecodeStep"/>) against the generated cell's <c>DecodeStep</c>; neither returns
/// the attention weights.
/// </summary>
[MemoryDiagnoser]
public class MultiHeadAttentionDecodeBenchmarks
{
    /// <summary>Tokens attended over by the measured step, T.</summary>
    public const int Tokens = 128;

    private const int ModelSize = 64, Heads = 4;

    private readonly ScalarMultiHeadAttention _scalar = new(ModelSize, Heads, Tokens);
    private readonly MultiHead64x4 _cell = new();
    private readonly float[] _outputScalar = new float[ModelSize], _outputSimd = new float[ModelSize];
    private KeyValueCache<float> _cache = null!;
    private float[] _lastToken = null!;

    /// <summary>
    /// Gives both the same seeded parameters, decodes the same 128 tokens with both and checks every step's output
    /// (and the last step's weights) agree; then leaves 127 tokens in both caches and checks the measured call too.
    /// </summary>
    [GlobalSetup]
    public void Setup()
    {
        _scalar.Initialize(61);
        AttentionVerify.Import(_cell, _scalar);
        _cache = _cell.CreateCache(Tokens, 1);

        float[] tokens = Verify.RandomArray(Tokens * ModelSize, 62);
        var outputsScalar = new float[Tokens * ModelSize];
        var outputsSimd = new float[Tokens * ModelSize];
        var lastWeights = new float[Heads * Tokens];
        for (int t = 0; t < Tokens; t++)
        {
            ReadOnlySpan<float> token = tokens.AsSpan(t * ModelSize, ModelSize);
            _scalar.DecodeStep(token, outputsScalar.AsSpan(t * ModelSize, ModelSize));
            _cell.DecodeStep(1, token, _cache, outputsSimd.AsSpan(t * ModelSize, ModelSize), t == Tokens - 1 ? lastWeights : Span<float>.Empty);
        }

        AttentionVerify.CloseRelative($"Multi-head decode outputs of steps 1..{Tokens}", outputsSimd, outputsScalar);
        AttentionVerify.CloseRelative($"Multi-head decode weights of step {Tokens}", lastWeights, _scalar.StepWeights);

        _lastToken = tokens.AsSpan((Tokens - 1) * ModelSize, ModelSize).ToArray();
        Scalar();
        Simd();
        AttentionVerify.CloseRelative($"Multi-head decode step {Tokens} after Truncate({Tokens - 1})", _outputSimd, _outputScalar);
    }

    /// <summary>Scalar reference: drop the last token, decode it again.</summary>
    [Benchmark(Baseline = true)]
    public void Scalar()
    {
        _scalar.Truncate(Tokens - 1);
        _scalar.DecodeStep(_lastToken, _outputScalar);
    }

    /// <summary>Generated cell: <c>KeyValueCache.Truncate</c>, then <c>DecodeStep</c> (direct call on the sealed class).</summary>
    [Benchmark]
    public void Simd()
    {
        _cache.Truncate(Tokens - 1);
        _cell.DecodeStep(1, _lastToken, _cache, _outputSimd, Span<float>.Empty);
    }
}

/// <summary>
/// Multi-head self-attention training pass per call: <c>Forward</c> (no mask, no returned weights) over T = 128 tokens
/// of one sample at model 64, 4 heads, then <c>Backward</c> giving the query, key and value gradients and adding the
/// parameter gradients (which accumulate across calls, as in training). FLOPs (multiply and add counted separately):
/// forward 8·T·E² + 4·T²·E, backward 14·T·E² + 8·T²·E, together 22·T·E² + 12·T²·E ≈ 24.1 MFLOP (perf/summarize.py).
/// </summary>
[MemoryDiagnoser]
public class SelfAttentionTrainingBenchmarks
{
    /// <summary>Tokens per sample, T.</summary>
    public const int Tokens = 128;

    private const int ModelSize = 64, Heads = 4, Elements = Tokens * ModelSize;

    private readonly ScalarMultiHeadAttention _scalar = new(ModelSize, Heads, Tokens);
    private readonly MultiHead64x4 _cell = new();
    private readonly float[] _outputScalar = new float[Elements], _outputSimd = new float[Elements];
    private readonly float[] _queryGradientScalar = new float[Elements], _keyGradientScalar = new float[Elements], _valueGradientScalar = new float[Elements];
    private readonly float[] _queryGradientSimd = new float[Elements], _keyGradientSimd = new float[Elements], _valueGradientSimd = new float[Elements];
    private AttentionWorkspace<float> _workspace = null!;
    private float[] _parameterGradients = null!, _input = null!, _outputGradient = null!;

    /// <summary>Gives both the same seeded parameters, input and output gradient, and checks outputs, weights and every gradient agree.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _scalar.Initialize(71);
        AttentionVerify.Import(_cell, _scalar);
        _workspace = _cell.CreateWorkspace(Tokens, 1);
        _parameterGradients = new float[MultiHead64x4.ParameterCount];
        _input = Verify.RandomArray(Elements, 72);
        _outputGradient = Verify.RandomArray(Elements, 73);

        Scalar();
        Simd();
        string label = $"Self-attention T={Tokens}";
        AttentionVerify.CloseRelative($"{label} forward output", _outputSimd, _outputScalar);
        AttentionVerify.CloseRelative($"{label} dL/dquery", _queryGradientSimd, _queryGradientScalar);
        AttentionVerify.CloseRelative($"{label} dL/dkey", _keyGradientSimd, _keyGradientScalar);
        AttentionVerify.CloseRelative($"{label} dL/dvalue", _valueGradientSimd, _valueGradientScalar);
        AttentionVerify.VerifyGradients(label, _cell, _parameterGradients, _scalar);

        var weights = new float[Heads * Tokens * Tokens];
        _cell.Forward(Tokens, Tokens, 1, _input, _input, _input, ReadOnlySpan<int>.Empty, causal: false, _outputSimd, weights, _workspace);
        AttentionVerify.CloseRelative($"{label} attention weights", weights, _scalar.ForwardWeights);
    }

    /// <summary>Scalar reference forward + backward.</summary>
    [Benchmark(Baseline = true)]
    public void Scalar()
    {
        _scalar.Forward(Tokens, _input, _outputScalar);
        _scalar.Backward(_input, _outputGradient, _queryGradientScalar, _keyGradientScalar, _valueGradientScalar);
    }

    /// <summary>Generated cell: <c>Forward</c> (query = key = value, causal: false), then <c>Backward</c>.</summary>
    [Benchmark]
    public void Simd()
    {
        _cell.Forward(Tokens, Tokens, 1, _input, _input, _input, ReadOnlySpan<int>.Empty, causal: false, _outputSimd, Span<float>.Empty, _workspace);
        _cell.Backward(_workspace, _outputGradient, _queryGradientSimd, _keyGradientSimd, _valueGradientSimd, _parameterGradients);
    }
}

/// <summary>
/// Attention-specific verification helpers: moving the PyTorch-named multi-head tensors into a generated cell, and
/// comparisons relative to the reference's own magnitude. Many attention quantities are far below 1 (softmax weights
/// over 128 keys are about 1/128, contexts about 0.1, input gradients about 1e-2), where the absolute
/// <see cref="Verify.StateTolerance"/> would hide real errors; so every attention comparison uses this one rule.
/// </summary>
internal static class AttentionVerify
{
    /// <summary>Relative tolerance: max |a − b| ≤ this × max |reference|.</summary>
    public const float RelativeTolerance = 1e-4f;

    /// <summary>Throws when max |actual − expected| exceeds <see cref="RelativeTolerance"/> × max |expected|.</summary>
    /// <param name="what">Name for the message.</param><param name="actual">Generated cell's values.</param>
    /// <param name="expected">Reference values, not all zero.</param>
    /// <param name="difference">What is subtracted from what, for the messages.</param>
    public static void CloseRelative(string what, ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, string difference = "generated − scalar")
    {
        float largest = 0;
        foreach (float e in expected)
        {
            largest = MathF.Max(largest, MathF.Abs(e));
        }

        if (!(largest > 0))
        {
            throw new InvalidOperationException($"{what}: the reference is all zero (or NaN), so the comparison would prove nothing.");
        }

        Verify.Close(what, actual, expected, RelativeTolerance * largest, difference); // the printed tolerance shows the reference's scale
    }

    /// <summary>Imports the reference's four tensors into <paramref name="cell"/> by name.</summary>
    /// <param name="cell">Generated cell.</param><param name="reference">Source of parameters.</param>
    public static void Import(IAttentionCell<float> cell, ScalarMultiHeadAttention reference)
    {
        cell.ImportParameter("in_proj_weight", reference.InProjWeight);
        cell.ImportParameter("in_proj_bias", reference.InProjBias);
        cell.ImportParameter("out_proj.weight", reference.OutProjWeight);
        cell.ImportParameter("out_proj.bias", reference.OutProjBias);
    }

    /// <summary>Checks each tensor's slice of the generated cell's parameter gradients against the reference's (one call each).</summary>
    /// <param name="label">Name for the messages.</param><param name="cell">Generated cell, for the tensor offsets.</param>
    /// <param name="gradients">The cell's parameter gradients.</param><param name="reference">The reference, holding its gradients.</param>
    public static void VerifyGradients(string label, IAttentionCell<float> cell, ReadOnlySpan<float> gradients, ScalarMultiHeadAttention reference)
    {
        Check(label, cell, gradients, "in_proj_weight", reference.InProjWeightGradient);
        Check(label, cell, gradients, "in_proj_bias", reference.InProjBiasGradient);
        Check(label, cell, gradients, "out_proj.weight", reference.OutProjWeightGradient);
        Check(label, cell, gradients, "out_proj.bias", reference.OutProjBiasGradient);

        static void Check(string label, IAttentionCell<float> cell, ReadOnlySpan<float> gradients, string name, float[] expected)
        {
            var actual = new float[cell.ParameterLength(name)];
            cell.ReadTensor(gradients, name, actual); // PyTorch's row-major shape, whatever the cell's storage layout
            CloseRelative($"{label} dL/d{name}", actual, expected);
        }
    }
}

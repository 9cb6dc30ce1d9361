using System;
using BenchmarkDotNet.Attributes;

namespace Simd.Benchmarks.Peers;

/// <summary>
/// Single-head decoder step of one sample over T = 128 prepared keys of size 64, values of size 64: Luong's dot score
/// (no scaling), softmax, weighted sum; both write the context [64] and the weights [128]. Simd:
/// <c>[LuongAttention(64, 64, Score = LuongScore.Dot)]</c> <c>Step</c> after one <c>Prepare</c>. ONNX Runtime: a
/// Gemm (query · keysᵀ) → Softmax → MatMul (weights · values) graph with the keys and values as model constants (its
/// best case: pre-packed once, like Simd's Prepare). No scalar class exists for this score: both are checked against
/// the formula evaluated in double precision.
/// </summary>
[MemoryDiagnoser]
public class DotAttentionDecodeVsOnnxRuntime
{
    /// <summary>Keys per sample, T.</summary>
    public const int Keys = 128;

    private const int Size = 64;

    private readonly LuongDot64 _cell = new();
    private readonly float[] _contextSimd = new float[Size], _weightsSimd = new float[Keys];
    private readonly float[] _contextTensorPrimitives = new float[Size], _weightsTensorPrimitives = new float[Keys];
    private AttentionWorkspace<float> _workspace = null!;
    private OnnxRuntimePeer _onnxRuntime = null!;
    private float[] _query = null!, _keys = null!, _values = null!;

    /// <summary>Prepares the same memory for all three and checks one step of each against the double-precision formula.</summary>
    [GlobalSetup]
    public void Setup()
    {
        float[] keys = _keys = Verify.RandomArray(Keys * Size, 52), values = _values = Verify.RandomArray(Keys * Size, 53);
        _query = Verify.RandomArray(Size, 54);
        _workspace = _cell.CreateWorkspace(Keys, 1);
        _cell.Prepare(Keys, 1, keys, values, ReadOnlySpan<int>.Empty, _workspace);

        _onnxRuntime = new OnnxRuntimePeer(OnnxModels.DotAttentionDecode(Keys, Size, keys, values));
        _onnxRuntime.Bind("query", false, _query, 1, Size);
        float[] weightsOnnx = _onnxRuntime.Bind("weights", true, new float[Keys], 1, Keys);
        float[] contextOnnx = _onnxRuntime.Bind("context", true, new float[Size], 1, Size);

        var (contextReference, weightsReference) = Reference(_query, keys, values);
        Simd();
        OnnxRuntime();
        TensorPrimitives();
        string label = $"Dot attention decode T={Keys} d={Size}";
        PeerVerify.CloseRelative($"{label} context", "Simd", _contextSimd, "double formula", contextReference);
        PeerVerify.CloseRelative($"{label} weights", "Simd", _weightsSimd, "double formula", weightsReference);
        PeerVerify.CloseRelative($"{label} context", "ONNX Runtime", contextOnnx, "double formula", contextReference);
        PeerVerify.CloseRelative($"{label} weights", "ONNX Runtime", weightsOnnx, "double formula", weightsReference);
        PeerVerify.CloseRelative($"{label} context", "TensorPrimitives", _contextTensorPrimitives, "double formula", contextReference);
        PeerVerify.CloseRelative($"{label} weights", "TensorPrimitives", _weightsTensorPrimitives, "double formula", weightsReference);
    }

    /// <summary>Releases the ONNX Runtime session.</summary>
    [GlobalCleanup]
    public void Cleanup() => _onnxRuntime.Dispose();

    /// <summary>Generated cell's <c>Step</c>, writing the context and the weights.</summary>
    [Benchmark]
    public void Simd() => _cell.Step(_query, _workspace, _contextSimd, _weightsSimd);

    /// <summary>ONNX Runtime: one <c>RunWithBinding</c> of the decode graph.</summary>
    [Benchmark(Baseline = true)]
    public void OnnxRuntime() => _onnxRuntime.Run();

    /// <summary>The same step written with TensorPrimitives (see <see cref="TensorPrimitivesAttention.DotStep"/>).</summary>
    [Benchmark]
    public void TensorPrimitives() => TensorPrimitivesAttention.DotStep(_query, _keys, _values, _contextTensorPrimitives, _weightsTensorPrimitives);

    /// <summary>weights = softmax(K q), context = Vᵀ weights, in double.</summary>
    private static (float[] Context, float[] Weights) Reference(float[] query, float[] keys, float[] values)
    {
        var scores = new double[Keys];
        double max = double.NegativeInfinity;
        for (int j = 0; j < Keys; j++)
        {
            double dot = 0;
            for (int c = 0; c < Size; c++)
            {
                dot += (double)query[c] * keys[(j * Size) + c];
            }

            scores[j] = dot;
            max = Math.Max(max, dot);
        }

        double total = 0;
        for (int j = 0; j < Keys; j++)
        {
            scores[j] = Math.Exp(scores[j] - max);
            total += scores[j];
        }

        var weights = new float[Keys];
        var context = new float[Size];
        for (int c = 0; c < Size; c++)
        {
            double sum = 0;
            for (int j = 0; j < Keys; j++)
            {
                sum += scores[j] / total * values[(j * Size) + c];
            }

            context[c] = (float)sum;
        }

        for (int j = 0; j < Keys; j++)
        {
            weights[j] = (float)(scores[j] / total);
        }

        return (context, weights);
    }
}

/// <summary>
/// Single-head additive (Bahdanau) decoder step of one sample over T = 128 prepared keys (query 64, keys = values 64,
/// attention layer 64), writing the context and the weights, as in <see cref="AdditiveAttentionStepBenchmarks"/>:
/// scalar reference, Simd's <c>[AdditiveAttention(64, 64, 64)]</c> <c>Step</c>, and ONNX Runtime running
/// Gemm → Add → Tanh → MatMul → Reshape → Softmax → MatMul with the projected keys W_k k_j and the values as constants.
/// </summary>
[MemoryDiagnoser]
public class AdditiveAttentionDecodeVsOnnxRuntime
{
    /// <summary>Keys per sample, T.</summary>
    public const int Keys = 128;

    private const int Size = 64;

    private readonly ScalarAdditiveAttention _scalar = new(Size, Size, Size, Size, Keys);
    private readonly Additive64x64x64 _cell = new();
    private readonly float[] _contextScalar = new float[Size], _contextSimd = new float[Size];
    private readonly float[] _weightsScalar = new float[Keys], _weightsSimd = new float[Keys];
    private readonly float[] _contextTensorPrimitives = new float[Size], _weightsTensorPrimitives = new float[Keys];
    private readonly float[] _queryPart = new float[Size], _scratch = new float[Size];
    private AttentionWorkspace<float> _workspace = null!;
    private OnnxRuntimePeer _onnxRuntime = null!;
    private float[] _query = null!, _keys = null!, _projectedKeys = null!;

    /// <summary>Gives all four the same parameters and memory, and checks one step of each agrees.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _scalar.Initialize(51);
        _cell.ImportParameter("query_weight", _scalar.QueryWeight);
        _cell.ImportParameter("key_weight", _scalar.KeyWeight);
        _cell.ImportParameter("bias", _scalar.Bias);
        _cell.ImportParameter("score_weight", _scalar.ScoreWeight);
        float[] keys = _keys = Verify.RandomArray(Keys * Size, 52);
        _query = Verify.RandomArray(Size, 53);
        _scalar.Prepare(Keys, keys, keys);
        _workspace = _cell.CreateWorkspace(Keys, 1);
        _cell.Prepare(Keys, 1, keys, keys, ReadOnlySpan<int>.Empty, _workspace);

        var projectedKeys = _projectedKeys = new float[Keys * Size]; // W_k k_j, [T, A]
        for (int j = 0; j < Keys; j++)
        {
            for (int row = 0; row < Size; row++)
            {
                double sum = 0;
                for (int c = 0; c < Size; c++)
                {
                    sum += (double)_scalar.KeyWeight[(row * Size) + c] * keys[(j * Size) + c];
                }

                projectedKeys[(j * Size) + row] = (float)sum;
            }
        }

        _onnxRuntime = new OnnxRuntimePeer(OnnxModels.AdditiveAttentionDecode(Keys, _scalar, projectedKeys, keys));
        _onnxRuntime.Bind("query", false, _query, 1, Size);
        float[] weightsOnnx = _onnxRuntime.Bind("weights", true, new float[Keys], 1, Keys);
        float[] contextOnnx = _onnxRuntime.Bind("context", true, new float[Size], 1, Size);

        Scalar();
        Simd();
        OnnxRuntime();
        TensorPrimitives();
        string label = $"Additive attention decode T={Keys} Q=K=V=A={Size}";
        PeerVerify.CloseRelative($"{label} context", "Simd", _contextSimd, "scalar", _contextScalar);
        PeerVerify.CloseRelative($"{label} weights", "Simd", _weightsSimd, "scalar", _weightsScalar);
        PeerVerify.CloseRelative($"{label} context", "ONNX Runtime", contextOnnx, "scalar", _contextScalar);
        PeerVerify.CloseRelative($"{label} weights", "ONNX Runtime", weightsOnnx, "scalar", _weightsScalar);
        PeerVerify.CloseRelative($"{label} context", "TensorPrimitives", _contextTensorPrimitives, "scalar", _contextScalar);
        PeerVerify.CloseRelative($"{label} weights", "TensorPrimitives", _weightsTensorPrimitives, "scalar", _weightsScalar);
    }

    /// <summary>Releases the ONNX Runtime session.</summary>
    [GlobalCleanup]
    public void Cleanup() => _onnxRuntime.Dispose();

    /// <summary>Scalar reference step.</summary>
    [Benchmark(Baseline = true)]
    public void Scalar() => _scalar.Step(_query, _contextScalar, _weightsScalar);

    /// <summary>Generated cell's <c>Step</c>, writing the context and the weights.</summary>
    [Benchmark]
    public void Simd() => _cell.Step(_query, _workspace, _contextSimd, _weightsSimd);

    /// <summary>ONNX Runtime: one <c>RunWithBinding</c> of the additive decode graph.</summary>
    [Benchmark]
    public void OnnxRuntime() => _onnxRuntime.Run();

    /// <summary>The same step written with TensorPrimitives: W_q q + b by row dot products, then <see cref="TensorPrimitivesAttention.AdditiveStep"/>.</summary>
    [Benchmark]
    public void TensorPrimitives()
    {
        TensorPrimitivesAttention.MatrixVector(_scalar.QueryWeight, _scalar.Bias, _query, _queryPart);
        TensorPrimitivesAttention.AdditiveStep(_queryPart, _projectedKeys, _scalar.ScoreWeight, _keys, _scratch, _contextTensorPrimitives, _weightsTensorPrimitives);
    }
}

/// <summary>
/// Multi-head self-attention decoder step of one stream (model 64, 4 heads of 16, with the input and output
/// projections) attending over T = 128 tokens: 127 cached plus the new one. Scalar reference and Simd's
/// <c>[MultiHeadAttention(64, 4)]</c> <c>DecodeStep</c> truncate their caches back to 127 tokens before each step, as
/// in <see cref="MultiHeadAttentionDecodeBenchmarks"/>. ONNX Runtime runs the past/present decode graph of
/// <see cref="OnnxModels.MultiHeadDecode"/> (Gemm, Split, Concat, Reshape, Transpose, MatMul, Softmax): past_key and
/// past_value [127, 64] are bound inputs holding the projected keys and values of the same 127 tokens, and present_key
/// / present_value [128, 64] are bound outputs, so each run copies the cache once (as ONNX past/present decoding does).
/// </summary>
[MemoryDiagnoser]
public class MultiHeadDecodeVsOnnxRuntime
{
    /// <summary>Tokens attended over by the measured step, T.</summary>
    public const int Tokens = 128;

    private const int ModelSize = 64, Heads = 4;

    private readonly ScalarMultiHeadAttention _scalar = new(ModelSize, Heads, Tokens);
    private readonly MultiHead64x4 _cell = new();
    private readonly float[] _outputScalar = new float[ModelSize], _outputSimd = new float[ModelSize];
    private readonly float[] _outputTensorPrimitives = new float[ModelSize];
    private KeyValueCache<float> _cache = null!;
    private TensorPrimitivesMultiHeadDecoder _tensorPrimitives = null!;
    private OnnxRuntimePeer _onnxRuntime = null!;
    private float[] _lastToken = null!;

    /// <summary>
    /// Fills the scalar and Simd caches by decoding 128 tokens, builds ONNX Runtime's past keys and values from the same
    /// first 127 tokens, and checks the measured step (token 128 over 127 cached) agrees across all three.
    /// </summary>
    [GlobalSetup]
    public void Setup()
    {
        const int past = Tokens - 1;
        _scalar.Initialize(61);
        AttentionVerify.Import(_cell, _scalar);
        _cache = _cell.CreateCache(Tokens, 1);
        _tensorPrimitives = new TensorPrimitivesMultiHeadDecoder(_scalar, Tokens);
        float[] tokens = Verify.RandomArray(Tokens * ModelSize, 62);
        var scratch = new float[ModelSize];
        for (int t = 0; t < Tokens; t++)
        {
            ReadOnlySpan<float> token = tokens.AsSpan(t * ModelSize, ModelSize);
            _scalar.DecodeStep(token, scratch);
            _cell.DecodeStep(1, token, _cache, scratch, Span<float>.Empty);
            _tensorPrimitives.DecodeStep(token, scratch);
        }

        _lastToken = tokens.AsSpan(past * ModelSize, ModelSize).ToArray();
        _onnxRuntime = new OnnxRuntimePeer(OnnxModels.MultiHeadDecode(ModelSize, Heads, past, _scalar));
        _onnxRuntime.Bind("token", false, _lastToken, 1, ModelSize);
        _onnxRuntime.Bind("past_key", false, Project(tokens, past, firstRow: ModelSize), past, ModelSize);
        _onnxRuntime.Bind("past_value", false, Project(tokens, past, firstRow: 2 * ModelSize), past, ModelSize);
        float[] outputOnnx = _onnxRuntime.Bind("output", true, new float[ModelSize], 1, ModelSize);
        _onnxRuntime.Bind("present_key", true, new float[Tokens * ModelSize], Tokens, ModelSize);
        _onnxRuntime.Bind("present_value", true, new float[Tokens * ModelSize], Tokens, ModelSize);

        Scalar();
        Simd();
        OnnxRuntime();
        TensorPrimitives();
        string label = $"Multi-head decode E={ModelSize} H={Heads} step {Tokens} after Truncate({past})";
        PeerVerify.CloseRelative($"{label} output", "Simd", _outputSimd, "scalar", _outputScalar);
        PeerVerify.CloseRelative($"{label} output", "ONNX Runtime", outputOnnx, "scalar", _outputScalar);
        PeerVerify.CloseRelative($"{label} output", "TensorPrimitives", _outputTensorPrimitives, "scalar", _outputScalar);
    }

    /// <summary>Releases the ONNX Runtime session.</summary>
    [GlobalCleanup]
    public void Cleanup() => _onnxRuntime.Dispose();

    /// <summary>Scalar reference: drop the last token, decode it again.</summary>
    [Benchmark(Baseline = true)]
    public void Scalar()
    {
        _scalar.Truncate(Tokens - 1);
        _scalar.DecodeStep(_lastToken, _outputScalar);
    }

    /// <summary>Generated cell: <c>KeyValueCache.Truncate</c>, then <c>DecodeStep</c>.</summary>
    [Benchmark]
    public void Simd()
    {
        _cache.Truncate(Tokens - 1);
        _cell.DecodeStep(1, _lastToken, _cache, _outputSimd, Span<float>.Empty);
    }

    /// <summary>ONNX Runtime: one <c>RunWithBinding</c> of the past/present decode graph.</summary>
    [Benchmark]
    public void OnnxRuntime() => _onnxRuntime.Run();

    /// <summary>The same step written with TensorPrimitives (<see cref="TensorPrimitivesMultiHeadDecoder"/>), after the same truncation.</summary>
    [Benchmark]
    public void TensorPrimitives()
    {
        _tensorPrimitives.Truncate(Tokens - 1);
        _tensorPrimitives.DecodeStep(_lastToken, _outputTensorPrimitives);
    }

    /// <summary>Rows firstRow..firstRow+E−1 of the input projection applied to the first <paramref name="count"/> tokens, [count, E].</summary>
    private float[] Project(float[] tokens, int count, int firstRow)
    {
        var projected = new float[count * ModelSize];
        for (int t = 0; t < count; t++)
        {
            for (int r = 0; r < ModelSize; r++)
            {
                int row = firstRow + r;
                double sum = _scalar.InProjBias[row];
                for (int c = 0; c < ModelSize; c++)
                {
                    sum += (double)_scalar.InProjWeight[(row * ModelSize) + c] * tokens[(t * ModelSize) + c];
                }

                projected[(t * ModelSize) + r] = (float)sum;
            }
        }

        return projected;
    }
}

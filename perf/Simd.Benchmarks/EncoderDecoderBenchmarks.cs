using System;
using BenchmarkDotNet.Attributes;
using Simd.Models;
using Simd.Training;

namespace Simd.Benchmarks;

/// <summary>
/// Training throughput of the attention encoder–decoder: one whole training step (teacher-forced forward, softmax
/// cross-entropy, backward, global-norm clipping, Adam) over B = 16 sequence pairs of S = T = 16 tokens, vocabulary 32,
/// embeddings 32, bidirectional encoder 2 × 64, decoder 128, additive attention 64. <c>OperationsPerInvoke</c> is the
/// B·T target tokens of a step, so the reported mean is nanoseconds per target token (tokens/s = 1e9 ÷ mean).
/// </summary>
[MemoryDiagnoser]
public class EncoderDecoderBenchmarks
{
    /// <summary>Sequence length (source and target).</summary>
    public const int Length = 16;

    /// <summary>Sequence pairs per step.</summary>
    public const int Batch = 16;

    private const int Tokens = Length * Batch;

    private readonly EncoderDecoder<float> _model = new(new BenchSourceTokens(), new BenchEncoder(), new BenchTargetTokens(), new BenchDecoder(), new BenchAttention(), new BenchHead(), Length, Length, Batch);
    private readonly int[] _sources = new int[Tokens], _targetInputs = new int[Tokens], _targets = new int[Tokens];
    private ParameterSet<float> _parameters = null!;
    private Adam<float> _adam = null!;

    /// <summary>Seeds the model and a batch of reversal pairs.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _model.InitializeParameters(3);
        _parameters = _model.AddTo(new ParameterSet<float>());
        _adam = new Adam<float>(_parameters, 1e-3f);
        var random = new Random(5);
        for (var b = 0; b < Batch; b++)
        {
            for (var t = 0; t < Length; t++)
            {
                _sources[(b * Length) + t] = 1 + random.Next(31);
            }

            for (var t = 0; t < Length; t++)
            {
                _targets[(b * Length) + t] = _sources[(b * Length) + Length - 1 - t];
                _targetInputs[(b * Length) + t] = t == 0 ? 0 : _targets[(b * Length) + t - 1];
            }
        }
    }

    /// <summary>One training step of the Simd model; the mean is per target token.</summary>
    /// <returns>The loss, so the work cannot be elided.</returns>
    [Benchmark(OperationsPerInvoke = Tokens)]
    public float SimdTrainingStep()
    {
        _parameters.ZeroGradients();
        float loss = _model.Forward(Length, Length, Batch, _sources, _targetInputs, _targets);
        _model.Backward(_parameters);
        _parameters.ClipGradientsByGlobalNorm(1f);
        _adam.Step();
        return loss;
    }
}

/// <summary>Source embedding of the encoder–decoder benchmark.</summary>
[Embedding(32, 32)]
public sealed partial class BenchSourceTokens;

/// <summary>Target embedding of the encoder–decoder benchmark.</summary>
[Embedding(32, 32)]
public sealed partial class BenchTargetTokens;

/// <summary>Bidirectional encoder, 2 × 64.</summary>
[LstmCell(32, 64, Bidirectional = true)]
public sealed partial class BenchEncoder;

/// <summary>Decoder: target embedding plus the fed-back context in, 128 units.</summary>
[LstmCell(32 + 128, 128)]
public sealed partial class BenchDecoder;

/// <summary>Additive attention from the decoder state over the encoder outputs.</summary>
[AdditiveAttention(128, 128, 64)]
public sealed partial class BenchAttention;

/// <summary>Output layer over [h; context].</summary>
[Dense(128 + 128, 32)]
public sealed partial class BenchHead;

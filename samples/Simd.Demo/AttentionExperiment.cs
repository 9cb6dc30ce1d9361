using System;
using System.Collections.Generic;
using System.Linq;
using Simd.Models;
using Simd.Training;

namespace Simd.Demo;

/// <summary>
/// Experiment 4: sequence reversal with the encoder–decoder, once with additive attention and once with only the
/// encoder's final state; exact-match accuracy against input length, and one example's attention weights.
/// </summary>
internal static class AttentionExperiment
{
    private const int Batch = 32;
    private const int EvaluationSamples = 256;
    private const int MinLength = 4;

    public static void Run(Options options, Report report)
    {
        int maxLength = options.Quick ? 8 : 20, trainSteps = options.Steps(2500, 40);
        var lengths = Enumerable.Range(0, ((maxLength - MinLength) / 2) + 1).Select(i => MinLength + (2 * i)).ToArray();
        var models = new (string Name, EncoderDecoder<float> Model)[]
        {
            ("with attention", new EncoderDecoder<float>(new ReversalSourceEmbedding(), new ReversalEncoder(), new ReversalTargetEmbedding(), new ReversalAttentiveDecoder(), new ReversalAttention(), new ReversalAttentiveHead(), maxLength, maxLength, Batch)),
            ("without attention (final state only)", new EncoderDecoder<float>(new ReversalSourceEmbedding(), new ReversalEncoder(), new ReversalTargetEmbedding(), new ReversalPlainDecoder(), null, new ReversalPlainHead(), maxLength, maxLength, Batch)),
        };

        var accuracy = new double[models.Length][];
        var sources = new int[Batch * maxLength];
        var targetInputs = new int[Batch * maxLength];
        var targets = new int[Batch * maxLength];
        for (var m = 0; m < models.Length; m++)
        {
            var model = models[m].Model;
            model.InitializeParameters(2024);
            var parameters = model.AddTo(new ParameterSet<float>());
            var adam = new Adam<float>(parameters, 0.005f);
            var random = new Random(77);
            var progress = new Progress($"4. reversal, {(model.HasAttention ? "attention" : "final state")}", trainSteps);
            float loss = 0;
            for (var i = 0; i < trainSteps; i++)
            {
                int length = random.Next(MinLength, maxLength + 1);
                ReversalTask.Fill(random, length, Batch, sources, targetInputs, targets);
                int n = Batch * length;
                parameters.ZeroGradients();
                loss = model.Forward(length, length, Batch, sources.AsSpan(0, n), targetInputs.AsSpan(0, n), targets.AsSpan(0, n));
                model.Backward(parameters);
                parameters.ClipGradientsByGlobalNorm(1f);
                adam.Step();
                progress.Update(i + 1, $"loss {Report.F(loss, "0.000")}");
            }

            accuracy[m] = lengths.Select(length => ExactMatch(model, length, seed: 9000 + length)).ToArray();
            progress.Done($"loss {Report.F(loss, "0.000")}; exact match at length {maxLength}: {Report.F(100 * accuracy[m][^1], "0.0")}%");
        }

        report.Line("## 4. Attention against a single context vector");
        report.Line();
        report.Line($"Reverse a sequence of {ReversalTask.Vocabulary - 1} symbols. Encoder: embedding (16) → bidirectional LSTM (2 × 32); decoder: LSTM (64 units) " +
            "started from the encoder's final states, trained with teacher forcing and decoded greedily. *With attention*: additive (Bahdanau) attention over " +
            "the encoder outputs, its context fed to the next decoder step (input feeding) and to the output layer. *Without*: the decoder sees only the " +
            $"encoder's final state. Each model: {trainSteps} Adam steps (learning rate 0.005, clip 1) of {Batch} sequences of a random length from {MinLength} to {maxLength}; " +
            $"exact match (every output token right) on {EvaluationSamples} fresh sequences per length.");
        report.Line();
        report.Line("| length | " + string.Join(" | ", models.Select(x => x.Name)) + " |");
        report.Line("|---:|" + string.Concat(models.Select(_ => "---:|")));
        for (var l = 0; l < lengths.Length; l++)
        {
            report.Line($"| {lengths[l]} | " + string.Join(" | ", accuracy.Select(a => Report.F(100 * a[l], "0.0") + "%")) + " |");
        }

        report.Line();
        Plots.Lines(report.PathOf("attention-accuracy.png"), "Reversal: exact-match accuracy", "input length", "exact match (%)",
            models.Select((x, m) => new Plots.Series(x.Name, lengths.Select(v => (double)v).ToArray(), accuracy[m].Select(a => 100 * a).ToArray())).ToList(), yMin: 0, yMax: 105);
        report.Image("attention-accuracy.png", "exact-match accuracy against input length");

        // One example's alignment: reversal should attend to the mirrored source position (the anti-diagonal).
        int exampleLength = Math.Min(12, maxLength);
        var example = new Random(4242);
        ReversalTask.Fill(example, exampleLength, 1, sources, targetInputs, targets);
        var decoded = new int[exampleLength];
        var weights = new float[exampleLength * exampleLength];
        models[0].Model.Decode(exampleLength, exampleLength, 1, sources.AsSpan(0, exampleLength), ReversalTask.Start, decoded, weights);
        var grid = new double[exampleLength, exampleLength];
        for (var t = 0; t < exampleLength; t++)
        {
            for (var s = 0; s < exampleLength; s++)
            {
                grid[t, s] = weights[(t * exampleLength) + s];
            }
        }

        string[] sourceLabels = sources.Take(exampleLength).Select(x => x.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        string[] outputLabels = decoded.Select(x => x.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Plots.Heatmap(report.PathOf("attention-weights.png"), "Attention weights, one reversal example", "source token", "output token (step 1 at top)", grid, sourceLabels, outputLabels);
        double onMirror = 0;
        for (var t = 0; t < exampleLength; t++)
        {
            onMirror += grid[t, exampleLength - 1 - t];
        }

        report.Line($"Example: source {string.Join(' ', sourceLabels)} → decoded {string.Join(' ', outputLabels)} " +
            $"({(decoded.SequenceEqual(targets.Take(exampleLength)) ? "correct" : "not the exact reversal")}). Mean attention weight on the mirrored source position: " +
            $"{Report.F(onMirror / exampleLength, "0.000")} (1 would be a perfect anti-diagonal).");
        report.Line();
        report.Image("attention-weights.png", "attention weights heatmap");
    }

    private static double ExactMatch(EncoderDecoder<float> model, int length, int seed)
    {
        var random = new Random(seed);
        var sources = new int[Batch * length];
        var targetInputs = new int[Batch * length];
        var targets = new int[Batch * length];
        var decoded = new int[Batch * length];
        int correct = 0;
        for (var i = 0; i < EvaluationSamples / Batch; i++)
        {
            ReversalTask.Fill(random, length, Batch, sources, targetInputs, targets);
            model.Decode(length, length, Batch, sources, ReversalTask.Start, decoded, default);
            for (var b = 0; b < Batch; b++)
            {
                correct += decoded.AsSpan(b * length, length).SequenceEqual(targets.AsSpan(b * length, length)) ? 1 : 0;
            }
        }

        return (double)correct / EvaluationSamples;
    }
}

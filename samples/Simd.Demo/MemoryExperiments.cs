using System;
using System.Collections.Generic;
using System.Linq;

namespace Simd.Demo;

/// <summary>Experiments 1 (accuracy against gap length) and 2 (gradient norm against distance from the loss).</summary>
internal static class MemoryExperiments
{
    private const int Batch = 32;
    private const int EvaluationSamples = 512;

    public static Dictionary<string, SequenceClassifier> LongRangeMemory(Options options, Report report)
    {
        int[] gaps = options.Quick ? [5, 20] : [5, 10, 20, 50, 100];
        int maxSteps = gaps[^1] + 1;
        var kinds = new (string Name, Func<IRecurrentCell<float>> Create, float? ForgetBias)[]
        {
            ("RNN", () => new MemoryRnn(), null), ("GRU", () => new MemoryGru(), null), ("LSTM", () => new MemoryLstm(), null), ("LSTM, forget bias 1", () => new MemoryLstm(), 1f),
        };
        var accuracy = new double[kinds.Length][];
        var trained = new Dictionary<string, SequenceClassifier>();
        int trainSteps = options.Steps(1000, 20);
        var tokens = new int[maxSteps * Batch];
        var answers = new int[Batch];

        for (var k = 0; k < kinds.Length; k++)
        {
            accuracy[k] = new double[gaps.Length];
            for (var g = 0; g < gaps.Length; g++)
            {
                int gap = gaps[g], steps = gap + 1;
                var model = new SequenceClassifier(kinds[k].Name, new MemoryEmbedding(), kinds[k].Create(), new MemoryHead(), maxSteps, Batch, seed: 100 + (ulong)g, learningRate: 0.01f, kinds[k].ForgetBias);
                var random = new Random(1000 + g);
                var progress = new Progress($"1. memory: {kinds[k].Name}, gap {gap}", trainSteps);
                float loss = 0;
                for (var i = 0; i < trainSteps; i++)
                {
                    MemoryTask.Fill(random, gap, Batch, tokens, answers);
                    loss = model.TrainStep(steps, Batch, tokens.AsSpan(0, steps * Batch), answers);
                    progress.Update(i + 1, $"loss {Report.F(loss, "0.000")}");
                }

                accuracy[k][g] = Evaluate(model, gap, seed: 5000 + g);
                progress.Done($"loss {Report.F(loss, "0.000")}, accuracy {Report.F(100 * accuracy[k][g], "0.0")}%");
                if (g == gaps.Length - 1)
                {
                    trained[kinds[k].Name] = model;
                }
            }
        }

        report.Line("## 1. Long-range memory");
        report.Line();
        report.Line($"The first token is one of {MemoryTask.Answers} symbols; a gap of random distractor tokens follows; at the end the network must name the first token " +
            $"(chance: {100 / MemoryTask.Answers}%). Embedding (8) → cell (32 hidden units) → dense layer on the last hidden state; Adam (learning rate 0.01), " +
            $"gradients clipped to global norm 1; {trainSteps} steps of batch {Batch} per network and gap; accuracy on {EvaluationSamples} fresh sequences.");
        report.Line();
        report.Line("| gap | " + string.Join(" | ", kinds.Select(x => x.Name)) + " |");
        report.Line("|---:|" + string.Concat(kinds.Select(_ => "---:|")));
        for (var g = 0; g < gaps.Length; g++)
        {
            report.Line($"| {gaps[g]} | " + string.Join(" | ", accuracy.Select(a => Report.F(100 * a[g], "0.0") + "%")) + " |");
        }

        report.Line();
        Plots.Lines(report.PathOf("memory-accuracy.png"), "Remembering the first token across a gap", "gap length (distractor tokens)", "accuracy (%)",
            kinds.Select((x, k) => new Plots.Series(x.Name, gaps.Select(v => (double)v).ToArray(), accuracy[k].Select(a => 100 * a).ToArray())).ToList(), yMin: 0, yMax: 105);
        report.Image("memory-accuracy.png", "accuracy against gap length");
        return trained;
    }

    public static void VanishingGradients(Options options, Report report, Dictionary<string, SequenceClassifier> trained)
    {
        int gap = options.Quick ? 20 : 100, steps = gap + 1;
        var series = new List<Plots.Series>();
        var rows = new List<string>();
        var untrained = new (string Name, SequenceClassifier Model)[]
        {
            ("RNN", new SequenceClassifier("RNN", new MemoryEmbedding(), new MemoryRnn(), new MemoryHead(), steps, Batch, seed: 7, learningRate: 0.01f)),
            ("LSTM", new SequenceClassifier("LSTM", new MemoryEmbedding(), new MemoryLstm(), new MemoryHead(), steps, Batch, seed: 7, learningRate: 0.01f)),
        };
        var progress = new Progress("2. gradient norms", 4);
        int done = 0;
        foreach (var (label, model) in untrained.Select(u => ($"{u.Name}, initialized", u.Model)).Concat(new[] { "RNN", "LSTM" }.Select(n => ($"{n}, trained (exp. 1, gap {gap})", trained[n]))))
        {
            double[] norms = InputGradientNorms(model, gap, seed: 77);
            double[] distance = Enumerable.Range(0, steps).Select(d => (double)d).ToArray();
            series.Add(new Plots.Series(label, distance, norms));
            rows.Add($"| {label} | {Report.F(norms[0], "0.00e+0")} | {Report.F(norms[Math.Min(10, gap)], "0.00e+0")} | {Report.F(norms[Math.Min(50, gap)], "0.00e+0")} | {Report.F(norms[gap], "0.00e+0")} |");
            progress.Update(++done, label);
        }

        progress.Done(string.Empty);
        report.Line("## 2. Vanishing gradients");
        report.Line();
        report.Line($"‖dL/dx_t‖ (mean over a batch of {Batch} sequences with gap {gap}) against the distance from the loss, which reads only the last " +
            "hidden state. Freshly initialized networks (PyTorch's default initialisation), and the networks trained in experiment 1 on the longest gap.");
        report.Line();
        report.Line($"| network | distance 0 | distance {Math.Min(10, gap)} | distance {Math.Min(50, gap)} | distance {gap} |");
        report.Line("|---|---:|---:|---:|---:|");
        foreach (string row in rows)
        {
            report.Line(row);
        }

        report.Line();
        Plots.Lines(report.PathOf("vanishing-gradients.png"), "Gradient reaching each input", "distance from the loss (steps)", "‖dL/dx_t‖ (log scale)", series, logY: true);
        report.Image("vanishing-gradients.png", "gradient norm against distance from the loss");
    }

    private static double Evaluate(SequenceClassifier model, int gap, int seed)
    {
        var random = new Random(seed);
        int steps = gap + 1, correct = 0;
        var tokens = new int[steps * Batch];
        var answers = new int[Batch];
        for (var i = 0; i < EvaluationSamples / Batch; i++)
        {
            MemoryTask.Fill(random, gap, Batch, tokens, answers);
            model.Forward(steps, Batch, tokens, answers);
            correct += model.Correct(answers);
        }

        return (double)correct / EvaluationSamples;
    }

    // Mean over the batch of ‖dL/dx_t‖, indexed by distance from the last step.
    private static double[] InputGradientNorms(SequenceClassifier model, int gap, int seed)
    {
        var random = new Random(seed);
        int steps = gap + 1, n = model.InputSize;
        var tokens = new int[steps * Batch];
        var answers = new int[Batch];
        MemoryTask.Fill(random, gap, Batch, tokens, answers);
        model.Forward(steps, Batch, tokens, answers);
        model.Backward();
        ReadOnlySpan<float> gradients = model.InputGradients;
        var norms = new double[steps];
        for (var t = 0; t < steps; t++)
        {
            double sum = 0;
            for (var b = 0; b < Batch; b++)
            {
                double squares = 0;
                foreach (float v in gradients.Slice(((t * Batch) + b) * n, n))
                {
                    squares += (double)v * v;
                }

                sum += Math.Sqrt(squares);
            }

            norms[steps - 1 - t] = sum / Batch;
        }

        return norms;
    }
}

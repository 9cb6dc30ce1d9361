using System;
using System.Collections.Generic;
using System.Linq;
using Simd.Training;

namespace Simd.Demo;

/// <summary>
/// Experiment 3: next-word prediction on "Dog scares Cat. Cat scares Mouse. Mouse scares Dog." with an LSTM (memory of
/// earlier words) and with a model that sees only the current word (embedding → dense).
/// </summary>
internal static class WordsExperiment
{
    private static readonly string[] Words = ["Dog", "scares", "Cat", "Mouse", "."];
    private static readonly int[] Text = [0, 1, 2, 4, 2, 1, 3, 4, 3, 1, 0, 4]; // the three sentences, read in a cycle
    private const int Generated = 11;
    private const int Period = 4;

    public static void Run(Options options, Report report)
    {
        // Training data: the cyclic text read from each of its 12 positions, 11 next-word predictions each.
        int batch = Text.Length, steps = Text.Length - 1, trainSteps = options.Steps(300, 60);
        var inputs = new int[steps * batch];   // time-major
        var targets = new int[steps * batch];
        for (var b = 0; b < batch; b++)
        {
            for (var t = 0; t < steps; t++)
            {
                inputs[(t * batch) + b] = Text[(b + t) % Text.Length];
                targets[(t * batch) + b] = Text[(b + t + 1) % Text.Length];
            }
        }

        var embedding = new WordEmbedding();
        var lstm = new WordLstm();
        var head = new WordLstmHead();
        embedding.InitializeParameters(31);
        lstm.InitializeParameters(32);
        head.InitializeParameters(33);
        var withMemory = new ParameterSet<float>().Add("embedding", embedding).Add("lstm", lstm).Add("head", head);
        var bigramEmbedding = new WordEmbedding();
        var bigramHead = new WordBigramHead();
        bigramEmbedding.InitializeParameters(41);
        bigramHead.InitializeParameters(42);
        var withoutMemory = new ParameterSet<float>().Add("embedding", bigramEmbedding).Add("head", bigramHead);
        var adamWith = new Adam<float>(withMemory, 0.02f);
        var adamWithout = new Adam<float>(withoutMemory, 0.02f);

        int rows = steps * batch, h = WordLstm.HiddenSize, e = WordEmbedding.Dimension, v = Words.Length;
        var embedded = new float[rows * e];
        var hidden = new float[batch * h];
        var cell = new float[batch * h];
        var outputs = new float[rows * h];
        var logits = new float[rows * v];
        var logitGradients = new float[rows * v];
        var outputGradients = new float[rows * h];
        var embeddedGradients = new float[rows * e];
        var zeros = new float[batch * h];
        var initialHidden = new float[batch * h];
        var initialCell = new float[batch * h];
        var tape = WordLstm.CreateTape(steps, batch);
        float lossWith = 0, lossWithout = 0;
        var progress = new Progress("3. Dog scares Cat", trainSteps);
        for (var i = 0; i < trainSteps; i++)
        {
            withMemory.ZeroGradients();
            embedding.Forward(inputs, embedded);
            Array.Clear(hidden);
            Array.Clear(cell);
            lstm.Forward(steps, batch, embedded, hidden, cell, outputs, tape);
            head.Forward(rows, outputs, logits);
            lossWith = Loss.SoftmaxCrossEntropy<float>(logits, v, targets, logitGradients);
            head.Backward(rows, outputs, logits, logitGradients, outputGradients, withMemory.Gradients(head));
            lstm.Backward(tape, outputGradients, zeros, zeros, embeddedGradients, initialHidden, initialCell, withMemory.Gradients(lstm));
            embedding.Backward(inputs, embeddedGradients, withMemory.Gradients(embedding));
            withMemory.ClipGradientsByGlobalNorm(1f);
            adamWith.Step();

            withoutMemory.ZeroGradients();
            bigramEmbedding.Forward(inputs, embedded);
            bigramHead.Forward(rows, embedded, logits);
            lossWithout = Loss.SoftmaxCrossEntropy<float>(logits, v, targets, logitGradients);
            bigramHead.Backward(rows, embedded, logits, logitGradients, embeddedGradients, withoutMemory.Gradients(bigramHead));
            bigramEmbedding.Backward(inputs, embeddedGradients, withoutMemory.Gradients(bigramEmbedding));
            withoutMemory.ClipGradientsByGlobalNorm(1f);
            adamWithout.Step();
            progress.Update(i + 1, $"loss {Report.F(lossWith, "0.000")} / {Report.F(lossWithout, "0.000")}");
        }

        progress.Done($"loss with memory {Report.F(lossWith, "0.000")}, without {Report.F(lossWithout, "0.000")}");

        report.Line("## 3. \"Dog scares Cat. Cat scares Mouse. Mouse scares Dog.\"");
        report.Line();
        report.Line($"Next-word prediction on the three sentences read as one cycle (12 starting positions, 11 predictions each), {trainSteps} Adam steps. " +
            "*With memory*: embedding → LSTM (16 units) → dense. *Without memory*: embedding → dense, so the prediction depends on the current word only. " +
            $"Final training loss (mean cross-entropy, nats): with memory {Report.F(lossWith, "0.000")}, without {Report.F(lossWithout, "0.000")}. " +
            $"The lowest loss a memoryless model can reach here is {Report.F(BigramFloor(), "0.000")} (after \"scares\" and after \".\" each of two or three words is equally likely).");
        report.Line();
        report.Line("Greedy generation of 11 words after each start word (the LSTM is first fed \".\", so the start word begins a sentence; the memoryless model cannot use that):");
        report.Line();
        report.Line("| start | with memory (LSTM) | without memory |");
        report.Line("|---|---|---|");
        foreach (int start in new[] { 0, 2, 3 })
        {
            string a = GenerateWithMemory(embedding, lstm, head, start), b = GenerateWithoutMemory(bigramEmbedding, bigramHead, start);
            report.Line($"| {Words[start]} | {a} | {b} |");
            Console.WriteLine($"     from {Words[start],-5}  with memory: {a}");
            Console.WriteLine($"     {string.Empty,-10} without:     {b}");
        }

        report.Line();
    }

    private static string GenerateWithMemory(WordEmbedding embedding, WordLstm lstm, WordLstmHead head, int start)
    {
        var words = new List<int> { start };
        var x = new float[WordEmbedding.Dimension];
        var h = new float[WordLstm.HiddenSize];
        var c = new float[WordLstm.HiddenSize];
        var logits = new float[Words.Length];
        // Prime with the sentence boundary: after "." the start word is a sentence's subject, as in the text.
        embedding.Forward([Period], x);
        lstm.Step(x, h, c);
        int token = start;
        for (var i = 0; i < Generated; i++)
        {
            embedding.Forward([token], x);
            lstm.Step(x, h, c);
            head.Forward(1, h, logits);
            token = ArgMax(logits);
            words.Add(token);
        }

        return string.Join(' ', words.Select(w => Words[w]));
    }

    private static string GenerateWithoutMemory(WordEmbedding embedding, WordBigramHead head, int start)
    {
        var words = new List<int> { start };
        var x = new float[WordEmbedding.Dimension];
        var logits = new float[Words.Length];
        int token = start;
        for (var i = 0; i < Generated; i++)
        {
            embedding.Forward([token], x);
            head.Forward(1, x, logits);
            token = ArgMax(logits);
            words.Add(token);
        }

        return string.Join(' ', words.Select(w => Words[w]));
    }

    // Cross-entropy of the true next-word frequencies given only the current word, averaged over the text.
    private static double BigramFloor()
    {
        double total = 0;
        for (var i = 0; i < Text.Length; i++)
        {
            int current = Text[i], next = Text[(i + 1) % Text.Length], count = 0, same = 0;
            for (var j = 0; j < Text.Length; j++)
            {
                if (Text[j] == current)
                {
                    count++;
                    same += Text[(j + 1) % Text.Length] == next ? 1 : 0;
                }
            }

            total -= Math.Log((double)same / count);
        }

        return total / Text.Length;
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }
}

using System;

namespace Simd.Demo;

/// <summary>
/// Long-range memory: the first token is one of <see cref="Answers"/> symbols; a gap of distractor tokens follows; after
/// the last token the network must name the first one. Chance is 1 / <see cref="Answers"/>.
/// </summary>
internal static class MemoryTask
{
    public const int Answers = 4;
    public const int Distractors = 4;
    public const int Vocabulary = Answers + Distractors;

    /// <summary>Fills <paramref name="tokens"/> time-major ([gap + 1, batch]) and <paramref name="answers"/> [batch].</summary>
    public static void Fill(Random random, int gap, int batch, Span<int> tokens, Span<int> answers)
    {
        for (var b = 0; b < batch; b++)
        {
            int answer = random.Next(Answers);
            answers[b] = answer;
            tokens[b] = answer;
            for (var t = 1; t <= gap; t++)
            {
                tokens[(t * batch) + b] = Answers + random.Next(Distractors);
            }
        }
    }
}

/// <summary>Sequence reversal: a source of random symbols, the target the same symbols in reverse order.</summary>
internal static class ReversalTask
{
    /// <summary>Token 0 starts the decoder; 1 … 10 are the symbols.</summary>
    public const int Vocabulary = 11;
    public const int Start = 0;

    /// <summary>Fills batch-major [batch, length] sources, decoder inputs (start token, then the target shifted right) and targets.</summary>
    public static void Fill(Random random, int length, int batch, Span<int> sources, Span<int> targetInputs, Span<int> targets)
    {
        for (var b = 0; b < batch; b++)
        {
            for (var t = 0; t < length; t++)
            {
                sources[(b * length) + t] = 1 + random.Next(Vocabulary - 1);
            }

            for (var t = 0; t < length; t++)
            {
                targets[(b * length) + t] = sources[(b * length) + length - 1 - t];
                targetInputs[(b * length) + t] = t == 0 ? Start : targets[(b * length) + t - 1];
            }
        }
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using Xunit.Sdk;

namespace Simd.Tests.Boundaries;

/// <summary>Which outcomes an entry point can have at all, for the check that every entry point is exercised.</summary>
internal enum Reachable
{
    /// <summary>Some calls succeed and some are refused.</summary>
    Both,

    /// <summary>Every call is refused (a documented always-throwing overload, a cell without tensors asked for one).</summary>
    RefusalsOnly,

    /// <summary>No argument can be wrong (every seed is a seed).</summary>
    SuccessesOnly,
}

/// <summary>An entry point under test: a name and how to arrange a fresh object and call it.</summary>
internal sealed record EntryPoint(string Name, Func<Random, Scenario> Arrange, Reachable Reachable = Reachable.Both)
{
    public override string ToString() => Name;
}

/// <summary>
/// Draws one call of an entry point with random sizes, counts and values, makes it, and checks the boundary contract:
/// valid arguments give success or a documented exception; any wrong argument gives an ArgumentException that names
/// a wrong argument (and the expected length, for a span of the wrong length); and a call that throws leaves every
/// argument and every piece of observable state bit-for-bit as it was.
/// </summary>
internal static class BoundaryRunner
{
    /// <summary>Longest span drawn; wrong lengths go up to 1000 past the expected one.</summary>
    private const int MaxLength = 1 << 17;

    public static void RunAll(IEnumerable<EntryPoint> entries, int seed)
    {
        foreach (var entry in entries)
        {
            Run(entry, seed);
        }
    }

    /// <summary>Makes one call; returns whether it was refused (it threw) or not. Throws an XunitException on a breach.</summary>
    public static Outcome Run(EntryPoint entry, int seed)
    {
        // One generator per entry and seed, so a failure replays from (entry, seed) alone.
        var random = new Random(HashCode.Combine(seed, StringComparer.Ordinal.GetHashCode(entry.Name)));
        var scenario = entry.Arrange(random);
        var call = Draw(scenario, random);
        var actual = new Draw(call, actual: true);
        var wrong = WrongArguments(scenario, call, actual);

        var argumentsBefore = call.Arrays.ToDictionary(static p => p.Key, static p => Bytes(p.Value), StringComparer.Ordinal);
        var stateBefore = new StateRecorder();
        scenario.State(stateBefore);

        Exception? error = null;
        try
        {
            scenario.Invoke(call);
        }
#pragma warning disable CA1031 // every exception is examined below
        catch (Exception e)
#pragma warning restore CA1031
        {
            error = e;
        }

        string Describe() => $"{entry.Name}, seed {seed}: {Format(call, wrong)}; threw {error?.GetType().Name ?? "nothing"}: {error?.Message}";

        if (scenario.AlwaysThrows is not null)
        {
            Require(error is not null && error.GetType() == scenario.AlwaysThrows, $"expected the documented {scenario.AlwaysThrows.Name}", Describe, error);
        }
        else if (wrong.Count == 0)
        {
            Require(error is null || scenario.Documented.Any(t => t.IsInstanceOfType(error)), "valid arguments gave an undocumented exception", Describe, error);
        }
        else
        {
            Require(error is not null, "a wrong argument was accepted", Describe, error);
            var stateProblem = error is InvalidOperationException && wrong.Values.Any(static w => w.State);
            if (!stateProblem)
            {
                Require(error is ArgumentException, "a wrong argument gave something other than an ArgumentException", Describe, error);
                var argumentError = (ArgumentException)error!;
                Require(argumentError.ParamName is not null && wrong.ContainsKey(argumentError.ParamName), $"ParamName '{argumentError.ParamName}' is not one of the wrong arguments", Describe, error);
                var named = wrong[argumentError.ParamName!];
                if (named.ExpectedLength is { } expected && error!.GetType() == typeof(ArgumentException))
                {
                    var text = "expected " + expected.ToString(CultureInfo.InvariantCulture);
                    Require(argumentError.Message.Contains(text, StringComparison.Ordinal), $"the message does not state '{text}'", Describe, error);
                }
            }
        }

        if (error is not null)
        {
            foreach (var (name, before) in argumentsBefore)
            {
                Require(before.AsSpan().SequenceEqual(Bytes(call.Arrays[name])), $"argument '{name}' changed although the call threw", Describe, error);
            }

            var stateAfter = new StateRecorder();
            scenario.State(stateAfter);
            for (var i = 0; i < stateBefore.Pieces.Count; i++)
            {
                var (label, before) = stateBefore.Pieces[i];
                Require(before.AsSpan().SequenceEqual(stateAfter.Pieces[i].Bytes), $"state '{label}' changed although the call threw", Describe, error);
            }
        }

        return new Outcome(error is not null, wrong.Count == 0);
    }

    /// <summary>What a call did: whether it threw, and whether every argument was valid.</summary>
    public readonly record struct Outcome(bool Threw, bool AllValid);

    /// <summary>Why an argument is wrong; ExpectedLength is set for a span whose length alone is wrong.</summary>
    private readonly record struct Wrongness(bool State, long? ExpectedLength);

    private static Call Draw(Scenario scenario, Random random)
    {
        var call = new Call(scenario);
        var intended = new Draw(call, actual: false);

        // Often every argument is valid (then the call must work); otherwise each one is wrong with probability 0.3.
        var allValid = random.Next(10) < 4;
        bool Perturb() => !allValid && random.Next(10) < 3;

        foreach (var arg in scenario.Args.OfType<CountArg>())
        {
            var value = random.Next(arg.Min, arg.TypicalMax + 1);
            call.Counts[arg.Name] = (value, Perturb() ? Values.OutOfRange(random, arg.Min, arg.Max) : value);
        }

        foreach (var arg in scenario.Args.OfType<ChoiceArg>())
        {
            var valid = arg.Options.Where(static o => o.Validity == Validity.Valid).ToArray();
            var invalid = arg.Options.Where(static o => o.Validity != Validity.Valid).ToArray();
            var pool = (Perturb() && invalid.Length > 0) || valid.Length == 0 ? invalid : valid;
            call.Choices[arg.Name] = pool[random.Next(pool.Length)];
        }

        foreach (var arg in scenario.Args)
        {
            switch (arg)
            {
                case SpanArg span:
                    call.Arrays[arg.Name] = span.Create(random, LengthToDraw(random, Evaluate(span.Expected, intended), Perturb()));
                    break;
                case IntSpanArg ints:
                    var tokens = new int[LengthToDraw(random, Evaluate(ints.Expected, intended), Perturb())];
                    for (var i = 0; i < tokens.Length; i++)
                    {
                        tokens[i] = ints.DrawValid(random, intended);
                    }

                    if (tokens.Length > 0 && Perturb())
                    {
                        tokens[random.Next(tokens.Length)] = random.Next(6) switch
                        {
                            0 => int.MinValue,
                            1 => int.MaxValue,
                            2 => -1,
                            3 => -random.Next(2, 1000),
                            _ => tokens[0] + random.Next(1, 1001),
                        };
                    }

                    call.Arrays[arg.Name] = tokens;
                    break;
            }
        }

        return call;
    }

    private static int LengthToDraw(Random random, long? expected, bool wrong)
    {
        if (expected is not { } length || length < 0 || length > MaxLength)
        {
            return random.Next(64);
        }

        if (!wrong)
        {
            return (int)length;
        }

        long drawn = random.Next(6) switch
        {
            0 => 0,
            1 => length + 1,
            2 => length - 1,
            3 => length + random.Next(1, 1001),
            4 => random.Next(0, (int)length + 1),
            _ => length * 2,
        };
        return (int)Math.Clamp(drawn, 0, MaxLength + 1000);
    }

    private static long? Evaluate(Func<Draw, long> expected, Draw draw)
    {
        try
        {
            return expected(draw);
        }
        catch (UndefinedSizeException)
        {
            return null;
        }
    }

    private static Dictionary<string, Wrongness> WrongArguments(Scenario scenario, Call call, Draw actual)
    {
        var wrong = new Dictionary<string, Wrongness>(StringComparer.Ordinal);
        foreach (var arg in scenario.Args)
        {
            switch (arg)
            {
                case CountArg count when !count.IsValid(actual, call.Count(count.Name)):
                    wrong[arg.Name] = new Wrongness(false, null);
                    break;
                case ChoiceArg when call.Choices[arg.Name].Validity != Validity.Valid:
                    wrong[arg.Name] = new Wrongness(call.Choices[arg.Name].Validity == Validity.WrongState, null);
                    break;
                case SpanArg span:
                    CheckLength(wrong, arg.Name, call.Arrays[arg.Name].Length, Evaluate(span.Expected, actual), span.EmptyAllowed, valuesValid: true);
                    break;
                case IntSpanArg ints:
                    var valuesValid = ValuesValid(ints, call.Ints(arg.Name), actual);
                    CheckLength(wrong, arg.Name, call.Arrays[arg.Name].Length, Evaluate(ints.Expected, actual), ints.EmptyAllowed, valuesValid);
                    break;
            }
        }

        if (scenario.Rules is not null)
        {
            try
            {
                foreach (var name in scenario.Rules(actual))
                {
                    wrong.TryAdd(name, new Wrongness(false, null));
                }
            }
            catch (UndefinedSizeException)
            {
                // A rule over an out-of-range count: that count is already wrong.
            }
        }

        return wrong;
    }

    private static bool ValuesValid(IntSpanArg ints, int[] values, Draw actual)
    {
        try
        {
            return values.All(v => ints.IsValidValue(actual, v));
        }
        catch (UndefinedSizeException)
        {
            return false;
        }
    }

    private static void CheckLength(Dictionary<string, Wrongness> wrong, string name, int length, long? expected, bool emptyAllowed, bool valuesValid)
    {
        if (expected is not { } value)
        {
            wrong[name] = new Wrongness(false, null);
        }
        else if (length != value && !(emptyAllowed && length == 0))
        {
            wrong[name] = new Wrongness(false, valuesValid ? value : null);
        }
        else if (!valuesValid)
        {
            wrong[name] = new Wrongness(false, null);
        }
    }

    private static byte[] Bytes(Array array) => array switch
    {
        float[] f => MemoryMarshal.AsBytes(f.AsSpan()).ToArray(),
        double[] d => MemoryMarshal.AsBytes(d.AsSpan()).ToArray(),
        int[] i => MemoryMarshal.AsBytes(i.AsSpan()).ToArray(),
        _ => throw new InvalidOperationException(array.GetType().Name),
    };

    private static string Format(Call call, Dictionary<string, Wrongness> wrong)
    {
        var text = new StringBuilder();
        foreach (var arg in call.Scenario.Args)
        {
            text.Append(arg.Name).Append('=');
            text.Append(arg switch
            {
                CountArg => call.Count(arg.Name).ToString(CultureInfo.InvariantCulture),
                ChoiceArg => call.Choices[arg.Name].Label,
                _ => "[" + call.Arrays[arg.Name].Length.ToString(CultureInfo.InvariantCulture) + "]",
            });
            if (wrong.ContainsKey(arg.Name))
            {
                text.Append(" (wrong)");
            }

            text.Append(", ");
        }

        return text.ToString().TrimEnd(',', ' ');
    }

    private static void Require(bool condition, string problem, Func<string> describe, Exception? error)
    {
        if (!condition)
        {
            throw new XunitException($"{problem}. {describe()}{Environment.NewLine}{error}");
        }
    }
}

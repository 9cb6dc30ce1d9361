using System;
using System.Collections.Generic;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Simd.Tests.Boundaries;

/// <summary>Whether an option of a <see cref="ChoiceArg"/> is a valid argument, a wrong one, or one in the wrong state.</summary>
internal enum Validity
{
    /// <summary>A valid argument.</summary>
    Valid,

    /// <summary>A wrong argument (null, another cell's tape, an unknown name): an ArgumentException must name it.</summary>
    Wrong,

    /// <summary>
    /// An object in a state the call cannot use (an unprepared workspace, a full cache): the call may throw the
    /// InvalidOperationException the object's docs promise, or an ArgumentException naming it.
    /// </summary>
    WrongState,
}

/// <summary>One argument of an entry point: how to draw it, and when it is valid.</summary>
internal abstract class Arg(string name)
{
    public string Name { get; } = name;
}

/// <summary>An int argument with a valid range (steps, batch, counts). Valid values are drawn from [Min, TypicalMax].</summary>
internal sealed class CountArg(string name, int min, int max, int typicalMax, Func<Draw, int, bool>? isValid = null) : Arg(name)
{
    public int Min { get; } = min;

    public int Max { get; } = max;

    public int TypicalMax { get; } = Math.Min(max, typicalMax);

    public bool IsValid(Draw draw, int value) => isValid?.Invoke(draw, value) ?? (value >= Min && value <= Max);
}

/// <summary>A span of T whose length must be <see cref="Expected"/> (or 0, when the entry point allows empty).</summary>
internal abstract class SpanArg(string name, Func<Draw, long> expected, bool emptyAllowed) : Arg(name)
{
    public Func<Draw, long> Expected { get; } = expected;

    public bool EmptyAllowed { get; } = emptyAllowed;

    public abstract Array Create(Random random, int length);
}

/// <inheritdoc />
internal sealed class SpanArg<T>(string name, Func<Draw, long> expected, bool emptyAllowed = false) : SpanArg(name, expected, emptyAllowed)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public override Array Create(Random random, int length) => Values.Fill<T>(random, length);
}

/// <summary>A span of ints (tokens, targets, lengths) with a length and a valid value range.</summary>
internal sealed class IntSpanArg(string name, Func<Draw, long> expected, Func<Draw, int, bool> isValidValue, Func<Random, Draw, int> drawValid, bool emptyAllowed = false) : Arg(name)
{
    public Func<Draw, long> Expected { get; } = expected;

    public bool EmptyAllowed { get; } = emptyAllowed;

    public bool IsValidValue(Draw draw, int value) => isValidValue(draw, value);

    public int DrawValid(Random random, Draw draw) => drawValid(random, draw);
}

/// <summary>One of a few prepared values (a tape, a workspace, a tensor name, a flag), each valid or not.</summary>
internal sealed class ChoiceArg(string name, params Option[] options) : Arg(name)
{
    public IReadOnlyList<Option> Options { get; } = options;
}

/// <summary>An option of a <see cref="ChoiceArg"/>.</summary>
internal sealed record Option(string Label, object? Value, Validity Validity = Validity.Valid);

/// <summary>Thrown by <see cref="Draw.Count"/> when a size depends on a count that is itself out of range.</summary>
internal sealed class UndefinedSizeException : Exception
{
    public UndefinedSizeException()
    {
    }

    public UndefinedSizeException(string message)
        : base(message)
    {
    }

    public UndefinedSizeException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>
/// The values of one call, seen either as intended (every count at its valid draw) or as actually passed (counts
/// possibly out of range, derived counts read off the actual span lengths).
/// </summary>
internal sealed class Draw
{
    private readonly Call _call;
    private readonly bool _actual;

    public Draw(Call call, bool actual)
    {
        _call = call;
        _actual = actual;
    }

    /// <summary>A count: an argument, a count derived from a span length, or one fixed by the arrangement.</summary>
    public int Count(string name)
    {
        var scenario = _call.Scenario;
        if (_call.Counts.TryGetValue(name, out var drawn))
        {
            if (!_actual)
            {
                return drawn.Intended;
            }

            var arg = (CountArg)scenario.Arg(name);
            return arg.IsValid(this, drawn.Actual) ? drawn.Actual : throw new UndefinedSizeException(name);
        }

        if (_actual && scenario.Derived.TryGetValue(name, out var derive))
        {
            return derive(this) ?? throw new UndefinedSizeException(name);
        }

        return scenario.Fixed.TryGetValue(name, out var value) ? value : throw new InvalidOperationException($"No count '{name}'.");
    }

    /// <summary>The actual length of a span argument.</summary>
    public int Length(string name) => _call.Arrays[name].Length;

    /// <summary>The option chosen for a choice argument.</summary>
    public Option Choice(string name) => _call.Choices[name];
}

/// <summary>Everything drawn for one call, and the arrays the entry point's delegate turns into spans.</summary>
internal sealed class Call(Scenario scenario)
{
    public Scenario Scenario { get; } = scenario;

    public Dictionary<string, (int Intended, int Actual)> Counts { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, Array> Arrays { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, Option> Choices { get; } = new(StringComparer.Ordinal);

    public int Count(string name) => Counts[name].Actual;

    public T[] Span<T>(string name) => (T[])Arrays[name];

    public int[] Ints(string name) => (int[])Arrays[name];

    public TValue Choice<TValue>(string name) => (TValue)Choices[name].Value!;
}

/// <summary>One arranged object under test and the call to make on it.</summary>
internal sealed class Scenario
{
    public List<Arg> Args { get; } = new();

    /// <summary>Counts fixed by the arrangement (the steps and batch a tape recorded, a decode's batch).</summary>
    public Dictionary<string, int> Fixed { get; } = new(StringComparer.Ordinal);

    /// <summary>Counts the callee reads off a span's length (StepBatch's batch); null when the length gives none.</summary>
    public Dictionary<string, Func<Draw, int?>> Derived { get; } = new(StringComparer.Ordinal);

    /// <summary>Cross-argument rules beyond lengths and ranges: returns the arguments that break one.</summary>
    public Func<Draw, IEnumerable<string>>? Rules { get; set; }

    /// <summary>Exception types the method documents for valid arguments (a full cache, an always-unsupported overload).</summary>
    public List<Type> Documented { get; } = new();

    /// <summary>Set when the method documents that it always throws this type.</summary>
    public Type? AlwaysThrows { get; set; }

    public Action<Call> Invoke { get; set; } = static _ => { };

    /// <summary>Writes every piece of observable state the call must leave alone when it throws.</summary>
    public Action<StateRecorder> State { get; set; } = static _ => { };

    public Arg Arg(string name) => Args.Find(a => string.Equals(a.Name, name, StringComparison.Ordinal)) ?? throw new InvalidOperationException($"No argument '{name}'.");

    public Scenario Count(string name, int min, int max, int typicalMax, Func<Draw, int, bool>? isValid = null)
    {
        Args.Add(new CountArg(name, min, max, typicalMax, isValid));
        return this;
    }

    public Scenario Span<T>(string name, Func<Draw, long> expected, bool emptyAllowed = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Args.Add(new SpanArg<T>(name, expected, emptyAllowed));
        return this;
    }

    public Scenario Ints(string name, Func<Draw, long> expected, Func<Draw, int, bool> isValidValue, Func<Random, Draw, int> drawValid, bool emptyAllowed = false)
    {
        Args.Add(new IntSpanArg(name, expected, isValidValue, drawValid, emptyAllowed));
        return this;
    }

    public Scenario Choice(string name, params Option[] options)
    {
        Args.Add(new ChoiceArg(name, options));
        return this;
    }
}

/// <summary>Collects the raw bytes of observable state under labels, to compare before and after a call.</summary>
internal sealed class StateRecorder
{
    public List<(string Label, byte[] Bytes)> Pieces { get; } = new();

    public StateRecorder Add<T>(string label, ReadOnlySpan<T> values)
        where T : unmanaged
    {
        Pieces.Add((label, MemoryMarshal.AsBytes(values).ToArray()));
        return this;
    }

    public StateRecorder Add<T>(string label, Span<T> values)
        where T : unmanaged => Add(label, (ReadOnlySpan<T>)values);

    public StateRecorder Add(string label, params long[] values) => Add(label, (ReadOnlySpan<long>)values);

    public StateRecorder Tape<T>(string label, Tape<T> tape)
        where T : unmanaged => Add(label + ".storage", tape.Storage).Add(label + ".recorded", tape.RecordedSteps, tape.RecordedBatch);

    public StateRecorder Workspace<T>(string label, AttentionWorkspace<T> workspace)
        where T : unmanaged =>
        Add(label + ".storage", workspace.Storage).Add(label + ".lengths", workspace.Lengths)
            .Add(label + ".recorded", workspace.QueryCount, workspace.KeyCount, workspace.Batch, workspace.Causal ? 1 : 0);

    public StateRecorder Cache<T>(string label, KeyValueCache<T> cache)
        where T : unmanaged => Add(label + ".storage", cache.Storage).Add(label + ".count", cache.Count, cache.Batch);
}

/// <summary>Random values for spans: mostly ordinary, often NaN, infinities, huge or tiny magnitudes.</summary>
internal static class Values
{
    public static T[] Fill<T>(Random random, int length)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var values = new T[length];
        var mode = random.Next(4); // ordinary, sprinkled with specials, mostly specials, or one huge magnitude everywhere
        for (var i = 0; i < length; i++)
        {
            values[i] = mode switch
            {
                0 => Ordinary<T>(random),
                1 => random.Next(8) == 0 ? Special<T>(random) : Ordinary<T>(random),
                2 => random.Next(2) == 0 ? Special<T>(random) : Ordinary<T>(random),
                _ => T.CreateTruncating(random.Next(2) == 0 ? 1e30 : -1e30),
            };
        }

        return values;
    }

    public static T Ordinary<T>(Random random)
        where T : unmanaged, IFloatingPointIeee754<T> => T.CreateTruncating((random.NextDouble() * 4) - 2);

    public static T Special<T>(Random random)
        where T : unmanaged, IFloatingPointIeee754<T> => random.Next(10) switch
        {
            0 => T.NaN,
            1 => T.PositiveInfinity,
            2 => T.NegativeInfinity,
            3 => T.BitDecrement(T.PositiveInfinity),
            4 => -T.BitDecrement(T.PositiveInfinity),
            5 => T.Epsilon,
            6 => T.NegativeZero,
            7 => T.CreateTruncating(1e30),
            8 => T.CreateTruncating(-1e30),
            _ => T.CreateTruncating(1e-30),
        };

    /// <summary>An int that is out of the range [min, max]: negative, zero, just outside or far outside.</summary>
    public static int OutOfRange(Random random, int min, int max)
    {
        for (var attempt = 0; attempt < 16; attempt++)
        {
            long candidate = random.Next(8) switch
            {
                0 => 0,
                1 => -1,
                2 => -random.Next(1, 1001),
                3 => int.MinValue,
                4 => (long)max + 1,
                5 => (long)max + random.Next(1, 1001),
                6 => int.MaxValue,
                _ => (long)min - 1,
            };
            if ((candidate < min || candidate > max) && candidate >= int.MinValue && candidate <= int.MaxValue)
            {
                return (int)candidate;
            }
        }

        // Every int is in range (a seed): return one; the runner then treats the call as valid.
        return min > int.MinValue ? min - 1 : max < int.MaxValue ? max + 1 : min;
    }
}

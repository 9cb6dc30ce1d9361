using System;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Simd;

/// <summary>
/// Argument checks used at the public boundary of generated cells. Each failure names the argument and
/// the expected size, and is raised before any state is written.
/// </summary>
public static class Guard
{
    /// <summary>Throws an <see cref="ArgumentException"/> unless <paramref name="actual"/> equals <paramref name="expected"/>.</summary>
    /// <param name="actual">The length the caller passed.</param>
    /// <param name="expected">The length required.</param>
    /// <param name="argumentName">The parameter name, reported in the exception.</param>
    /// <param name="meaning">What the expected length is made of, for example "batch × InputSize = 4 × 32".</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Length(int actual, long expected, string argumentName, string meaning)
    {
        if (actual != expected)
        {
            ThrowLength(actual, expected, argumentName, meaning);
        }
    }

    /// <summary>
    /// Throws an <see cref="ArgumentException"/> unless the lengths match. The explanation is formatted only on failure,
    /// so a passing check allocates nothing.
    /// </summary>
    /// <param name="actual">The length the caller passed.</param>
    /// <param name="expected">The length required.</param>
    /// <param name="argumentName">The parameter name, reported in the exception.</param>
    /// <param name="meaningFormat">A composite format for what the length is made of, with {0}, {1} and {2} for the factors.</param>
    /// <param name="factor0">First factor.</param>
    /// <param name="factor1">Second factor.</param>
    /// <param name="factor2">Third factor, if the format uses it.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Length(int actual, long expected, string argumentName, string meaningFormat, int factor0, int factor1, int factor2 = 0)
    {
        if (actual != expected)
        {
            ThrowLength(actual, expected, argumentName, string.Format(System.Globalization.CultureInfo.InvariantCulture, meaningFormat, factor0, factor1, factor2));
        }
    }

    /// <summary>
    /// Throws an <see cref="ArgumentException"/> when <paramref name="actual"/> is below <paramref name="minimum"/>, for
    /// spans a kernel reads or writes through strides. The explanation is formatted only on failure.
    /// </summary>
    /// <param name="actual">The length the caller passed.</param>
    /// <param name="minimum">The smallest length that holds every element the kernel touches.</param>
    /// <param name="argumentName">The parameter name, reported in the exception.</param>
    /// <param name="meaningFormat">A composite format for what the length is made of, with {0}, {1} and {2} for the factors.</param>
    /// <param name="factor0">First factor.</param>
    /// <param name="factor1">Second factor.</param>
    /// <param name="factor2">Third factor, if the format uses it.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AtLeast(int actual, long minimum, string argumentName, string meaningFormat, int factor0, int factor1, int factor2 = 0)
    {
        if (actual < minimum)
        {
            throw new ArgumentException(
                $"'{argumentName}' has length {actual}; expected at least {minimum} ({string.Format(System.Globalization.CultureInfo.InvariantCulture, meaningFormat, factor0, factor1, factor2)}).", argumentName);
        }
    }

    /// <summary>
    /// Throws an <see cref="ArgumentException"/> unless a tape, workspace or cache was made for the calling cell's shape.
    /// </summary>
    /// <param name="expected">The calling cell's layout.</param>
    /// <param name="actual">The layout the object was created for.</param>
    /// <param name="argumentName">The parameter name, reported in the exception.</param>
    /// <param name="factory">The cell method that creates a matching object, for the message.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Layout(string expected, string actual, string argumentName, string factory)
    {
        if (!string.Equals(expected, actual, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"'{argumentName}' was created for {actual}, not for {expected}; create it with this cell's {factory}.", argumentName);
        }
    }

    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> unless 1 ≤ <paramref name="value"/> ≤ <paramref name="maximum"/>.</summary>
    /// <param name="value">The count the caller passed.</param>
    /// <param name="maximum">The largest count allowed.</param>
    /// <param name="argumentName">The parameter name, reported in the exception.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Count(int value, int maximum, string argumentName)
    {
        if (value < 1 || value > maximum)
        {
            ThrowCount(value, maximum, argumentName);
        }
    }

    /// <summary>Throws an <see cref="ArgumentNullException"/> when <paramref name="value"/> is null.</summary>
    /// <param name="value">The reference to check.</param>
    /// <param name="argumentName">The parameter name, reported in the exception.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void NotNull([NotNull] object? value, string argumentName)
    {
        if (value is null)
        {
            ThrowNull(argumentName);
        }
    }

    [DoesNotReturn]
    private static void ThrowLength(int actual, long expected, string argumentName, string meaning) =>
        throw new ArgumentException(
            $"'{argumentName}' has length {actual}; expected {expected} ({meaning}).", argumentName);

    [DoesNotReturn]
    private static void ThrowCount(int value, int maximum, string argumentName) =>
        throw new ArgumentOutOfRangeException(
            argumentName, value, $"'{argumentName}' must be between 1 and {maximum}; got {value}.");

    [DoesNotReturn]
    private static void ThrowNull(string argumentName) => throw new ArgumentNullException(argumentName);
}

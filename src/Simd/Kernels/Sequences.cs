using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Simd.Kernels;

/// <summary>
/// Copies between the sequence layouts of a layered network, called by generated code: [T, B, width] blocks of one
/// direction and the concatenated [T, B, Directions·width] layer output, optionally with time reversed (the reverse
/// direction runs over x_{T−1} … x_0).
/// </summary>
public static class Sequences
{
    /// <summary>Writes <paramref name="source"/>'s steps in reverse order: step t of the result is step T−1−t.</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="source">[steps, stepLength].</param><param name="destination">[steps, stepLength]; must not overlap the source.</param>
    /// <param name="steps">T.</param><param name="stepLength">Elements per step (B × width).</param>
    public static void ReverseSteps<T>(ReadOnlySpan<T> source, Span<T> destination, int steps, int stepLength)
    {
        for (var t = 0; t < steps; t++)
        {
            source.Slice(t * stepLength, stepLength).CopyTo(destination.Slice((steps - 1 - t) * stepLength, stepLength));
        }
    }

    /// <summary>
    /// Copies rows of <paramref name="width"/> from a packed [T, B, width] block into columns
    /// [<paramref name="column"/>, +width) of a [T, B, <paramref name="stride"/>] sequence; with
    /// <paramref name="reverse"/>, step t goes to step T−1−t.
    /// </summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="packed">[steps, batch, width].</param><param name="wide">[steps, batch, stride].</param>
    /// <param name="steps">T.</param><param name="batch">B.</param><param name="width">Columns per row of <paramref name="packed"/>.</param>
    /// <param name="stride">Columns per row of <paramref name="wide"/>.</param><param name="column">First column written.</param>
    /// <param name="reverse">Whether to reverse time.</param>
    public static void Scatter<T>(ReadOnlySpan<T> packed, Span<T> wide, int steps, int batch, int width, int stride, int column, bool reverse)
    {
        for (var t = 0; t < steps; t++)
        {
            var target = reverse ? steps - 1 - t : t;
            for (var b = 0; b < batch; b++)
            {
                packed.Slice(((t * batch) + b) * width, width).CopyTo(wide.Slice((((target * batch) + b) * stride) + column, width));
            }
        }
    }

    /// <summary>The inverse of <see cref="Scatter"/>: reads columns of a wide sequence into a packed block.</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="wide">[steps, batch, stride].</param><param name="packed">[steps, batch, width].</param>
    /// <param name="steps">T.</param><param name="batch">B.</param><param name="width">Columns per row of <paramref name="packed"/>.</param>
    /// <param name="stride">Columns per row of <paramref name="wide"/>.</param><param name="column">First column read.</param>
    /// <param name="reverse">Whether to reverse time.</param>
    public static void Gather<T>(ReadOnlySpan<T> wide, Span<T> packed, int steps, int batch, int width, int stride, int column, bool reverse)
    {
        for (var t = 0; t < steps; t++)
        {
            var source = reverse ? steps - 1 - t : t;
            for (var b = 0; b < batch; b++)
            {
                wide.Slice((((source * batch) + b) * stride) + column, width).CopyTo(packed.Slice(((t * batch) + b) * width, width));
            }
        }
    }

    /// <summary>Adds <paramref name="source"/>, time-reversed, to <paramref name="destination"/>: d[t] += s[T−1−t].</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="source">[steps, stepLength].</param><param name="destination">[steps, stepLength].</param>
    /// <param name="steps">T.</param><param name="stepLength">Elements per step.</param>
    public static void AddReversedSteps<T>(ReadOnlySpan<T> source, Span<T> destination, int steps, int stepLength)
        where T : unmanaged, INumber<T>
    {
        for (var t = 0; t < steps; t++)
        {
            Add(source.Slice((steps - 1 - t) * stepLength, stepLength), destination.Slice(t * stepLength, stepLength));
        }
    }

    private static void Add<T>(ReadOnlySpan<T> source, Span<T> destination)
        where T : unmanaged, INumber<T>
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var from = MemoryMarshal.Cast<T, Vector<T>>(source);
            var to = MemoryMarshal.Cast<T, Vector<T>>(destination);
            for (var v = 0; v < to.Length; v++)
            {
                to[v] += from[v];
            }

            i = to.Length * Vector<T>.Count;
        }

        for (; i < destination.Length; i++)
        {
            destination[i] += source[i];
        }
    }
}

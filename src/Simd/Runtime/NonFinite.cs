using System;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Simd;

/// <summary>
/// Finds NaN and infinities. Generated cells call it when their <c>CheckFinite</c> property is set; users can call it on
/// any tensor. Allocation-free unless it throws.
/// </summary>
public static class NonFinite
{
    /// <summary>Returns the index of the first NaN or infinity in <paramref name="values"/>, or −1 when all are finite.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="values">The values to scan.</param>
    /// <returns>The first non-finite index, or −1.</returns>
    public static int IndexOfFirst<T>(ReadOnlySpan<T> values)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var v = ref MemoryMarshal.GetReference(values);
        var i = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            // x − x is 0 for every finite x and NaN for NaN and ±∞, so one compare finds both.
            for (; i + Vector128<T>.Count <= values.Length; i += Vector128<T>.Count)
            {
                var x = Vector128.LoadUnsafe(ref v, (nuint)i);
                if (!Vector128.EqualsAll(x - x, Vector128<T>.Zero))
                {
                    break;
                }
            }
        }

        for (; i < values.Length; i++)
        {
            if (!T.IsFinite(values[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// Throws <see cref="NonFiniteValueException"/> for the first NaN or infinity in a time-major tensor
    /// [steps, rows, rowLength], naming the cell, the tensor, the step, the row (sample) and the element.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="values">The tensor.</param>
    /// <param name="cell">The cell's name, for the message.</param>
    /// <param name="tensor">The tensor's name (for example <c>inputs</c> or <c>hidden</c>).</param>
    /// <param name="rowLength">Elements per sample, at least 1.</param>
    /// <param name="rowsPerStep">Samples per step (the batch), at least 1.</param>
    /// <exception cref="NonFiniteValueException">A value is NaN or infinite.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rowLength"/> or <paramref name="rowsPerStep"/> is below 1.</exception>
    public static void ThrowIfAny<T>(ReadOnlySpan<T> values, string cell, string tensor, int rowLength, int rowsPerStep = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rowLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rowsPerStep, 1);
        var index = IndexOfFirst(values);
        if (index >= 0)
        {
            var stepLength = (long)rowLength * rowsPerStep;
            throw new NonFiniteValueException(cell, tensor, (int)(index / stepLength), (int)(index % stepLength / rowLength), index % rowLength, double.CreateChecked(values[index]));
        }
    }
}

/// <summary>A NaN or an infinity found by a cell's opt-in finite check (<c>CheckFinite</c>) or by <see cref="NonFinite.ThrowIfAny{T}"/>.</summary>
public sealed class NonFiniteValueException : ArithmeticException
{
    /// <summary>Creates the exception for one value.</summary>
    /// <param name="cell">The cell's name.</param>
    /// <param name="tensor">The tensor's name.</param>
    /// <param name="step">The time step (0 for a single step).</param>
    /// <param name="sample">The sample within the batch.</param>
    /// <param name="index">The element within the sample's vector.</param>
    /// <param name="value">The value found.</param>
    public NonFiniteValueException(string cell, string tensor, int step, int sample, int index, double value)
        : base($"{cell}: {tensor} holds {value} at step {step}, sample {sample}, index {index} (the first non-finite value).")
    {
        Cell = cell;
        Tensor = tensor;
        Step = step;
        Sample = sample;
        Index = index;
        Value = value;
    }

    /// <summary>The cell's name.</summary>
    public string Cell { get; }

    /// <summary>The tensor's name: <c>input</c>/<c>inputs</c>, <c>hidden</c>, <c>cell</c> or <c>outputs</c>.</summary>
    public string Tensor { get; }

    /// <summary>The time step, counted from 0.</summary>
    public int Step { get; }

    /// <summary>The sample within the batch, counted from 0.</summary>
    public int Sample { get; }

    /// <summary>The element within the sample's vector.</summary>
    public int Index { get; }

    /// <summary>The value found: NaN, +∞ or −∞.</summary>
    public double Value { get; }
}

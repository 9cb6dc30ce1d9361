using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Simd.Kernels;

/// <summary>Column sums of a row-major matrix, added to a destination (bias gradients).</summary>
public static class RowSums
{
    /// <summary>Adds the sum of all rows of <paramref name="rows"/> (each <paramref name="rowLength"/> long) to <paramref name="destination"/>.</summary>
    /// <param name="rows">Row-major matrix; its length must be a multiple of <paramref name="rowLength"/>.</param>
    /// <param name="rowLength">Elements per row.</param>
    /// <param name="destination">Receives the column sums added to its values; <paramref name="rowLength"/> long.</param>
    public static void AddTo(ReadOnlySpan<float> rows, int rowLength, Span<float> destination) => AddTo<float>(rows, rowLength, destination);

    /// <inheritdoc cref="AddTo(ReadOnlySpan{float}, int, Span{float})"/>
    public static void AddTo(ReadOnlySpan<double> rows, int rowLength, Span<double> destination) => AddTo<double>(rows, rowLength, destination);

    private static void AddTo<T>(ReadOnlySpan<T> rows, int rowLength, Span<T> destination)
        where T : unmanaged, INumber<T>
    {
        Guard.Length(destination.Length, rowLength, nameof(destination), "rowLength");
        if (rowLength <= 0 || rows.Length % rowLength != 0)
        {
            throw new ArgumentException($"'rows' has length {rows.Length}; expected a multiple of rowLength = {rowLength}.", nameof(rows));
        }

        var width = Vector<T>.Count;
        var vectorEnd = Vector.IsHardwareAccelerated ? rowLength - (rowLength % width) : 0;
        var destinationVectors = MemoryMarshal.Cast<T, Vector<T>>(destination.Slice(0, vectorEnd));
        for (var offset = 0; offset < rows.Length; offset += rowLength)
        {
            var row = rows.Slice(offset, rowLength);
            var rowVectors = MemoryMarshal.Cast<T, Vector<T>>(row.Slice(0, vectorEnd));
            for (var v = 0; v < destinationVectors.Length; v++)
            {
                destinationVectors[v] += rowVectors[v];
            }

            for (var j = vectorEnd; j < rowLength; j++)
            {
                destination[j] += row[j];
            }
        }
    }
}

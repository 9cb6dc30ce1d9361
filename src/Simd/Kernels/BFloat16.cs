using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Simd.Kernels;

/// <summary>
/// bfloat16 weights: conversion from float (round to nearest even) and loads back to float vectors for the generated
/// kernels. A bfloat16 is the upper half of a float's bits.
/// </summary>
/// <remarks>
/// Weight rows are stored <em>interleaved</em> in blocks of 32: elements j and j + 16 of a block sit side by side, so
/// one 32-bit lane holds two weights. A kernel then turns a load of 2w bfloat16 values into two float vectors of
/// width w with one shift (the even halves) and one mask (the odd halves), with no cross-lane shuffle; the same
/// layout serves every vector width. Elements past the last whole block of a row are stored plainly.
/// </remarks>
public static class BFloat16
{
    /// <summary>Rounds <paramref name="value"/> to bfloat16 (nearest, ties to even); NaN stays NaN.</summary>
    /// <param name="value">The float to round.</param>
    /// <returns>The bfloat16 bits.</returns>
    public static ushort FromSingle(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            // Keep a quiet NaN even when the payload lives only in the low half.
            return (ushort)((bits >> 16) | 0x40);
        }

        var rounding = 0x7FFFu + ((bits >> 16) & 1);
        return (ushort)((bits + rounding) >> 16);
    }

    /// <summary>Widens bfloat16 bits to float exactly.</summary>
    /// <param name="value">bfloat16 bits.</param>
    /// <returns>The float value.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToSingle(ushort value) => BitConverter.UInt32BitsToSingle((uint)value << 16);

    /// <summary>
    /// Converts one weight row to the interleaved layout: within each whole block of 32, element j goes to position 2j
    /// and element j + 16 to position 2j + 1; the remaining elements keep their positions and are plain bfloat16.
    /// </summary>
    /// <remarks>
    /// A kernel reads the odd element of a pair as the whole 32-bit lane, without masking the even element's bits out
    /// of its low mantissa. Those bits are known when the row is converted, so the odd element's upper half is chosen
    /// to make the whole lane the float nearest to the true weight: the error stays within half a bfloat16 ulp, as for
    /// plain rounding, and the kernel saves one instruction per pair. <see cref="DecodeInterleaved"/> returns exactly
    /// the value a kernel uses.
    /// </remarks>
    /// <param name="row">The float row.</param>
    /// <param name="destination">Receives the row; same length.</param>
    public static void FromSingleInterleaved(ReadOnlySpan<float> row, Span<ushort> destination)
    {
        Guard.Length(destination.Length, row.Length, nameof(destination), "row.Length");
        var blocked = row.Length / 32 * 32;
        for (var block = 0; block < blocked; block += 32)
        {
            for (var j = 0; j < 16; j++)
            {
                var even = FromSingle(row[block + j]);
                destination[block + (2 * j)] = even;
                destination[block + (2 * j) + 1] = OddHalf(row[block + j + 16], even);
            }
        }

        for (var i = blocked; i < row.Length; i++)
        {
            destination[i] = FromSingle(row[i]);
        }
    }

    /// <summary>The weight a kernel uses for element <paramref name="index"/> of a row stored by <see cref="FromSingleInterleaved"/>.</summary>
    /// <param name="row">The stored row.</param>
    /// <param name="index">Element index in the float row.</param>
    /// <returns>The effective float weight.</returns>
    public static float DecodeInterleaved(ReadOnlySpan<ushort> row, int index)
    {
        var blocked = row.Length / 32 * 32;
        if ((uint)index >= (uint)row.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"index must be in [0, {row.Length}).");
        }

        if (index >= blocked)
        {
            return ToSingle(row[index]);
        }

        var within = index % 32;
        var pair = index - within + (2 * (within % 16));
        return within < 16
            ? ToSingle(row[pair])
            : BitConverter.UInt32BitsToSingle(((uint)row[pair + 1] << 16) | row[pair]);
    }

    /// <summary>Upper half of a lane whose lower half is <paramref name="low"/>, making the lane as close to <paramref name="value"/> as it can be.</summary>
    private static ushort OddHalf(float value, ushort low)
    {
        if (!float.IsFinite(value))
        {
            return FromSingle(value);
        }

        var bits = BitConverter.SingleToUInt32Bits(value);
        var sign = bits & 0x8000_0000u;
        long magnitude = bits & 0x7FFF_FFFFu;
        var upper = Math.Max(0, (magnitude - low + 0x8000) >> 16);
        return (ushort)((sign >> 16) | (uint)Math.Min(upper, 0x7F7F));
    }

    /// <summary>Loads 32 interleaved bfloat16 values (16 lanes of two).</summary>
    /// <param name="source">Start of the bfloat16 data.</param>
    /// <param name="offset">Element offset.</param>
    /// <returns>The raw lanes; split them with <see cref="Even(Vector512{uint})"/> and <see cref="Odd(Vector512{uint})"/>.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> Pairs16(ref ushort source, nuint offset) => Vector512.LoadUnsafe(ref source, offset).AsUInt32();

    /// <summary>Loads 16 interleaved bfloat16 values (8 lanes of two).</summary>
    /// <param name="source">Start of the bfloat16 data.</param>
    /// <param name="offset">Element offset.</param>
    /// <returns>The raw lanes.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> Pairs8(ref ushort source, nuint offset) => Vector256.LoadUnsafe(ref source, offset).AsUInt32();

    /// <summary>Loads 8 interleaved bfloat16 values (4 lanes of two).</summary>
    /// <param name="source">Start of the bfloat16 data.</param>
    /// <param name="offset">Element offset.</param>
    /// <returns>The raw lanes.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<uint> Pairs4(ref ushort source, nuint offset) => Vector128.LoadUnsafe(ref source, offset).AsUInt32();

    /// <summary>Loads 2 interleaved bfloat16 values (one lane of two).</summary>
    /// <param name="source">Start of the bfloat16 data.</param>
    /// <param name="offset">Element offset.</param>
    /// <returns>The raw lane.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Pairs1(ref ushort source, nuint offset) => Unsafe.ReadUnaligned<uint>(ref Unsafe.As<ushort, byte>(ref Unsafe.Add(ref source, (nint)offset)));

    /// <summary>The first value of each lane pair, as floats.</summary>
    /// <param name="pairs">Lanes from <see cref="Pairs16"/>.</param>
    /// <returns>The widened values.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Even(Vector512<uint> pairs) => Vector512.ShiftLeft(pairs, 16).AsSingle();

    /// <summary>The second value of each lane pair, as floats: the whole lane (see <see cref="FromSingleInterleaved"/>).</summary>
    /// <param name="pairs">Lanes from <see cref="Pairs16"/>.</param>
    /// <returns>The widened values.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Odd(Vector512<uint> pairs) => pairs.AsSingle();

    /// <inheritdoc cref="Even(Vector512{uint})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Even(Vector256<uint> pairs) => Vector256.ShiftLeft(pairs, 16).AsSingle();

    /// <inheritdoc cref="Odd(Vector512{uint})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Odd(Vector256<uint> pairs) => pairs.AsSingle();

    /// <inheritdoc cref="Even(Vector512{uint})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Even(Vector128<uint> pairs) => Vector128.ShiftLeft(pairs, 16).AsSingle();

    /// <inheritdoc cref="Odd(Vector512{uint})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Odd(Vector128<uint> pairs) => pairs.AsSingle();

    /// <inheritdoc cref="Even(Vector512{uint})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Even(uint pairs) => BitConverter.UInt32BitsToSingle(pairs << 16);

    /// <inheritdoc cref="Odd(Vector512{uint})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Odd(uint pairs) => BitConverter.UInt32BitsToSingle(pairs);

    /// <summary>Loads one bfloat16 at <paramref name="offset"/> as a float.</summary>
    /// <param name="source">Start of the bfloat16 data.</param>
    /// <param name="offset">Element offset.</param>
    /// <returns>The float value.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load1(ref ushort source, nuint offset) => ToSingle(Unsafe.Add(ref source, (nint)offset));

    /// <summary>Loads 4 bfloat16 values at <paramref name="offset"/> as floats.</summary>
    /// <param name="source">Start of the bfloat16 data.</param>
    /// <param name="offset">Element offset.</param>
    /// <returns>The widened vector.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load4(ref ushort source, nuint offset)
    {
        var packed = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref Unsafe.As<ushort, byte>(ref Unsafe.Add(ref source, (nint)offset)))).AsUInt16();
        return Vector128.ShiftLeft(Vector128.WidenLower(packed), 16).AsSingle();
    }

    /// <summary>Loads 8 bfloat16 values at <paramref name="offset"/> as floats.</summary>
    /// <param name="source">Start of the bfloat16 data.</param>
    /// <param name="offset">Element offset.</param>
    /// <returns>The widened vector.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load8(ref ushort source, nuint offset)
    {
        var packed = Vector128.LoadUnsafe(ref source, offset);
        if (Avx2.IsSupported)
        {
            return Avx2.ShiftLeftLogical(Avx2.ConvertToVector256Int32(packed), 16).AsSingle();
        }

        return Vector256.ShiftLeft(Vector256.Create(Vector128.WidenLower(packed), Vector128.WidenUpper(packed)), 16).AsSingle();
    }

    /// <summary>Loads 16 bfloat16 values at <paramref name="offset"/> as floats.</summary>
    /// <param name="source">Start of the bfloat16 data.</param>
    /// <param name="offset">Element offset.</param>
    /// <returns>The widened vector.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load16(ref ushort source, nuint offset)
    {
        var packed = Vector256.LoadUnsafe(ref source, offset);
        if (Avx512F.IsSupported)
        {
            return Avx512F.ShiftLeftLogical(Avx512F.ConvertToVector512Int32(packed), 16).AsSingle();
        }

        return Vector512.ShiftLeft(Vector512.Create(Vector256.WidenLower(packed), Vector256.WidenUpper(packed)), 16).AsSingle();
    }
}

using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Simd.Kernels;

/// <summary>
/// bfloat16 weights: conversion from float (round to nearest even) and widening loads back to float vectors for the
/// generated kernels. A bfloat16 is the upper half of a float's bits, so widening is a zero-extend and a shift.
/// </summary>
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

    /// <summary>Converts every element of <paramref name="source"/> to bfloat16.</summary>
    /// <param name="source">Floats to convert.</param>
    /// <param name="destination">Receives the bfloat16 bits; same length as <paramref name="source"/>.</param>
    public static void FromSingle(ReadOnlySpan<float> source, Span<ushort> destination)
    {
        Guard.Length(destination.Length, source.Length, nameof(destination), "source.Length");
        for (var i = 0; i < source.Length; i++)
        {
            destination[i] = FromSingle(source[i]);
        }
    }

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

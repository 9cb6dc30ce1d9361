using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Simd.Training;

/// <summary>
/// One optimizer's per-element rule, written once per width (scalar, 128, 256, 512 bits) as a struct so the JIT
/// inlines it into <see cref="ParameterUpdate.Run"/>'s loops. <see cref="States"/> says how many state buffers
/// (0, 1 or 2) the rule reads and writes.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
internal interface IParameterUpdate<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    static abstract int States { get; }

    T Apply(T parameter, T gradient, ref T first, ref T second);

    Vector128<T> Apply(Vector128<T> parameter, Vector128<T> gradient, ref Vector128<T> first, ref Vector128<T> second);

    Vector256<T> Apply(Vector256<T> parameter, Vector256<T> gradient, ref Vector256<T> first, ref Vector256<T> second);

    Vector512<T> Apply(Vector512<T> parameter, Vector512<T> gradient, ref Vector512<T> first, ref Vector512<T> second);
}

/// <summary>The loop every optimizer shares: widest accelerated vectors first, then narrower ones, then scalars.</summary>
internal static class ParameterUpdate
{
    /// <summary>Applies <paramref name="rule"/> to every element; <paramref name="first"/> and <paramref name="second"/> are used only when the rule has that many states.</summary>
    public static void Run<T, TRule>(TRule rule, Span<T> parameters, ReadOnlySpan<T> gradients, Span<T> first, Span<T> second)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TRule : struct, IParameterUpdate<T>
    {
        var length = parameters.Length;
        if (gradients.Length != length || (TRule.States >= 1 && first.Length != length) || (TRule.States >= 2 && second.Length != length))
        {
            // Internal invariant: the optimizer sized its buffers from the same module.
            throw new InvalidOperationException("Parameter, gradient and state buffers differ in length; the module's ParameterCount changed after the optimizer was created.");
        }

        ref var p = ref MemoryMarshal.GetReference(parameters);
        ref var g = ref MemoryMarshal.GetReference(gradients);
        ref var s1 = ref TRule.States >= 1 ? ref MemoryMarshal.GetReference(first) : ref p;
        ref var s2 = ref TRule.States >= 2 ? ref MemoryMarshal.GetReference(second) : ref p;
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= length - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var at = (nuint)i;
                var a = TRule.States >= 1 ? Vector512.LoadUnsafe(ref s1, at) : default;
                var b = TRule.States >= 2 ? Vector512.LoadUnsafe(ref s2, at) : default;
                var updated = rule.Apply(Vector512.LoadUnsafe(ref p, at), Vector512.LoadUnsafe(ref g, at), ref a, ref b);
                if (TRule.States >= 1)
                {
                    a.StoreUnsafe(ref s1, at);
                }

                if (TRule.States >= 2)
                {
                    b.StoreUnsafe(ref s2, at);
                }

                updated.StoreUnsafe(ref p, at);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= length - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                var at = (nuint)i;
                var a = TRule.States >= 1 ? Vector256.LoadUnsafe(ref s1, at) : default;
                var b = TRule.States >= 2 ? Vector256.LoadUnsafe(ref s2, at) : default;
                var updated = rule.Apply(Vector256.LoadUnsafe(ref p, at), Vector256.LoadUnsafe(ref g, at), ref a, ref b);
                if (TRule.States >= 1)
                {
                    a.StoreUnsafe(ref s1, at);
                }

                if (TRule.States >= 2)
                {
                    b.StoreUnsafe(ref s2, at);
                }

                updated.StoreUnsafe(ref p, at);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= length - Vector128<T>.Count; i += Vector128<T>.Count)
            {
                var at = (nuint)i;
                var a = TRule.States >= 1 ? Vector128.LoadUnsafe(ref s1, at) : default;
                var b = TRule.States >= 2 ? Vector128.LoadUnsafe(ref s2, at) : default;
                var updated = rule.Apply(Vector128.LoadUnsafe(ref p, at), Vector128.LoadUnsafe(ref g, at), ref a, ref b);
                if (TRule.States >= 1)
                {
                    a.StoreUnsafe(ref s1, at);
                }

                if (TRule.States >= 2)
                {
                    b.StoreUnsafe(ref s2, at);
                }

                updated.StoreUnsafe(ref p, at);
            }
        }

        for (; i < length; i++)
        {
            var a = TRule.States >= 1 ? Unsafe.Add(ref s1, i) : T.Zero;
            var b = TRule.States >= 2 ? Unsafe.Add(ref s2, i) : T.Zero;
            var updated = rule.Apply(Unsafe.Add(ref p, i), Unsafe.Add(ref g, i), ref a, ref b);
            if (TRule.States >= 1)
            {
                Unsafe.Add(ref s1, i) = a;
            }

            if (TRule.States >= 2)
            {
                Unsafe.Add(ref s2, i) = b;
            }

            Unsafe.Add(ref p, i) = updated;
        }
    }
}

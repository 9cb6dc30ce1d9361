using System;
using System.Collections.Generic;

namespace Simd.Generators.Model;

internal static class EquatableArrayExtensions
{
    public static IEnumerable<TResult> Select<T, TResult>(this EquatableArray<T> items, Func<T, TResult> selector)
        where T : IEquatable<T>
    {
        foreach (var item in items)
        {
            yield return selector(item);
        }
    }
}

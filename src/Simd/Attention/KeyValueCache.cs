using System;
using System.ComponentModel;

namespace Simd;

/// <summary>
/// The projected keys and values of every token a multi-head attention cell has decoded so far, per stream, in
/// preallocated storage: a streaming model appends one token per <c>DecodeStep</c> and never allocates. Create one
/// with the cell's generated <c>CreateCache</c>; <see cref="Clear"/> starts new streams.
/// </summary>
/// <typeparam name="T">The cell's element type.</typeparam>
public sealed class KeyValueCache<T>
    where T : unmanaged
{
    private readonly T[] _storage;

    /// <summary>Creates a cache; called by generated code, which knows how much a token needs.</summary>
    /// <param name="layout">Identifies the cell shape that may use this cache.</param>
    /// <param name="capacity">Most tokens per stream.</param>
    /// <param name="maxBatch">Most streams.</param>
    /// <param name="length">Elements needed.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1, or the storage would exceed the largest array .NET can allocate.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public KeyValueCache(string layout, int capacity, int maxBatch, long length)
    {
        Guard.NotNull(layout, nameof(layout));
        Guard.Count(capacity, int.MaxValue, nameof(capacity));
        Guard.Count(maxBatch, int.MaxValue, nameof(maxBatch));
        // Generated code computes the length in long arithmetic, which wraps for maxima near int.MaxValue (to a
        // small positive length, for some): every element count holds at least one element per token and sample,
        // so a product beyond one array is refused whatever the length says.
        if (length < 0 || length > Array.MaxLength || (long)capacity * maxBatch > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(
                nameof(maxBatch), length, $"A cache for {capacity} tokens × {maxBatch} streams needs {length} elements, more than one array can hold ({Array.MaxLength}).");
        }

        Layout = layout;
        Capacity = capacity;
        MaxBatch = maxBatch;
        _storage = new T[length];
    }

    /// <summary>The cell shape this cache belongs to.</summary>
    public string Layout { get; }

    /// <summary>Most tokens per stream.</summary>
    public int Capacity { get; }

    /// <summary>Most streams.</summary>
    public int MaxBatch { get; }

    /// <summary>Tokens cached per stream so far.</summary>
    public int Count { get; private set; }

    /// <summary>Streams of the current decode (set by the first step after <see cref="Clear"/>); 0 when empty.</summary>
    public int Batch { get; private set; }

    /// <summary>Bytes of storage held.</summary>
    public long SizeInBytes => (long)_storage.Length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>();

    /// <summary>The cell's storage; its layout is private to the generated code.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public Span<T> Storage => _storage;

    /// <summary>Forgets every cached token (the storage is kept).</summary>
    public void Clear()
    {
        Count = 0;
        Batch = 0;
    }

    /// <summary>
    /// Forgets every token after the first <paramref name="count"/> (for example to retry a step, or to reuse a
    /// prompt's cached prefix); the storage and the streams' batch are kept.
    /// </summary>
    /// <param name="count">Tokens to keep, from 0 to <see cref="Count"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is outside 0 and <see cref="Count"/>.</exception>
    public void Truncate(int count)
    {
        if ((uint)count > (uint)Count)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"'count' must be from 0 to the cached {Count} tokens; got {count}.");
        }

        Count = count;
        if (count == 0)
        {
            Batch = 0;
        }
    }

    /// <summary>Checks that one more token for <paramref name="batch"/> streams fits, before anything is written.</summary>
    /// <param name="layout">The calling cell's layout.</param>
    /// <param name="batch">Streams of this step.</param>
    /// <exception cref="ArgumentException">The cache belongs to another cell shape, or the batch differs from the current decode's.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The batch is outside 1 and <see cref="MaxBatch"/>.</exception>
    /// <exception cref="InvalidOperationException">The cache is full.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void CheckAppend(string layout, int batch)
    {
        Guard.Layout(layout, Layout, "cache", "CreateCache");

        Guard.Count(batch, MaxBatch, nameof(batch));
        if (Count > 0 && batch != Batch)
        {
            throw new ArgumentException($"'batch' is {batch} but the cache holds {Batch} streams; call Clear to start a new decode.", nameof(batch));
        }

        if (Count == Capacity)
        {
            throw new InvalidOperationException($"The cache is full ({Capacity} tokens); create a larger one or call Clear.");
        }
    }

    /// <summary>Records that one more token has been appended for <paramref name="batch"/> streams.</summary>
    /// <param name="batch">Streams of this step.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void Appended(int batch)
    {
        Batch = batch;
        Count++;
    }
}

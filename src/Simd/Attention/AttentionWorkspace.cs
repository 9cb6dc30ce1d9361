using System;
using System.ComponentModel;

namespace Simd;

/// <summary>
/// Memory an attention cell works in: the prepared keys and values of a single-head cell, or the recorded forward
/// pass of a multi-head cell, plus scratch and gradient accumulators. Sized once for a largest sequence and batch and
/// then reused, so attention allocates nothing per call. Create one with the cell's generated
/// <c>CreateWorkspace</c>; a workspace belongs to one cell shape and one thread at a time.
/// </summary>
/// <typeparam name="T">The cell's element type.</typeparam>
public sealed class AttentionWorkspace<T>
    where T : unmanaged
{
    private readonly T[] _storage;
    private readonly int[] _lengths;

    /// <summary>Creates a workspace; called by generated code, which knows how much the cell needs.</summary>
    /// <param name="layout">Identifies the cell shape that may use this workspace.</param>
    /// <param name="maxKeys">Largest number of keys (and, for multi-head attention, queries) per sample.</param>
    /// <param name="maxBatch">Largest batch.</param>
    /// <param name="length">Elements needed for <paramref name="maxKeys"/> and <paramref name="maxBatch"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1, or the storage would exceed the largest array .NET can allocate.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public AttentionWorkspace(string layout, int maxKeys, int maxBatch, long length)
    {
        Guard.NotNull(layout, nameof(layout));
        Guard.Count(maxKeys, int.MaxValue, nameof(maxKeys));
        Guard.Count(maxBatch, int.MaxValue, nameof(maxBatch));
        // Generated code computes the length in long arithmetic, which wraps for maxima near int.MaxValue (to a
        // small positive length, for some): every element count holds at least one element per token and sample,
        // so a product beyond one array is refused whatever the length says.
        if (length < 0 || length > Array.MaxLength || (long)maxKeys * maxBatch > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(
                nameof(maxBatch), length, $"A workspace for {maxKeys} keys × {maxBatch} samples needs {length} elements, more than one array can hold ({Array.MaxLength}); use fewer keys or a smaller batch.");
        }

        Layout = layout;
        MaxKeys = maxKeys;
        MaxBatch = maxBatch;
        _storage = new T[length];
        _lengths = new int[maxBatch];
    }

    /// <summary>The cell shape this workspace belongs to.</summary>
    public string Layout { get; }

    /// <summary>Largest number of keys (and multi-head queries) per sample.</summary>
    public int MaxKeys { get; }

    /// <summary>Largest batch.</summary>
    public int MaxBatch { get; }

    /// <summary>Keys per sample of the prepared memory or recorded forward pass; 0 before the first.</summary>
    public int KeyCount { get; private set; }

    /// <summary>Queries per sample of the recorded multi-head forward pass; 0 for single-head cells.</summary>
    public int QueryCount { get; private set; }

    /// <summary>Batch of the prepared memory or recorded forward pass; 0 before the first.</summary>
    public int Batch { get; private set; }

    /// <summary>Whether the recorded multi-head forward pass used the causal mask.</summary>
    public bool Causal { get; private set; }

    /// <summary>Bytes of storage held.</summary>
    public long SizeInBytes => ((long)_storage.Length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>()) + ((long)_lengths.Length * sizeof(int));

    /// <summary>The cell's storage; its layout is private to the generated code.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public Span<T> Storage => _storage;

    /// <summary>Valid keys per sample of the recorded call.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public Span<int> Lengths => _lengths.AsSpan(0, Batch);

    /// <summary>Checks a call's sizes against the workspace's capacity, then records them and the valid lengths.</summary>
    /// <param name="queryCount">Queries per sample (0 for single-head memory).</param>
    /// <param name="keyCount">Keys per sample.</param>
    /// <param name="batch">Samples.</param>
    /// <param name="lengths">[batch] valid keys per sample, each 0 to <paramref name="keyCount"/>, or empty for all.</param>
    /// <param name="causal">Whether the causal mask applies.</param>
    /// <param name="lengthsName">The caller's name for <paramref name="lengths"/>, reported in exceptions.</param>
    /// <exception cref="ArgumentOutOfRangeException">A count is outside 1 and the capacity, or a length outside 0 and keyCount.</exception>
    /// <exception cref="ArgumentException"><paramref name="lengths"/> is neither empty nor <paramref name="batch"/> long.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void Record(int queryCount, int keyCount, int batch, ReadOnlySpan<int> lengths, bool causal, string lengthsName = "lengths")
    {
        Guard.Count(keyCount, MaxKeys, nameof(keyCount));
        Guard.Count(batch, MaxBatch, nameof(batch));
        if (queryCount != 0)
        {
            Guard.Count(queryCount, MaxKeys, nameof(queryCount));
        }

        if (!lengths.IsEmpty)
        {
            Guard.Length(lengths.Length, batch, lengthsName, "empty, or one length per sample: batch = {0}", batch, 0);
            for (var b = 0; b < batch; b++)
            {
                if ((uint)lengths[b] > (uint)keyCount)
                {
                    throw new ArgumentOutOfRangeException(
                        lengthsName, lengths[b], $"'{lengthsName}[{b}]' is {lengths[b]}; each length must be from 0 to the key count {keyCount}.");
                }
            }
        }

        // Everything is checked: only now does the recorded state change.
        for (var b = 0; b < batch; b++)
        {
            _lengths[b] = lengths.IsEmpty ? keyCount : lengths[b];
        }

        QueryCount = queryCount;
        KeyCount = keyCount;
        Batch = batch;
        Causal = causal;
    }

    /// <summary>Throws an <see cref="ArgumentException"/> unless the workspace was made for <paramref name="layout"/>.</summary>
    /// <param name="layout">The calling cell's layout.</param>
    /// <param name="argumentName">The workspace parameter's name.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void CheckLayout(string layout, string argumentName)
    {
        Guard.Layout(layout, Layout, argumentName, "CreateWorkspace");
    }

    /// <summary>Throws an <see cref="InvalidOperationException"/> unless something has been prepared or recorded.</summary>
    /// <param name="what">What must come first, for the message ("Prepare" or "Forward").</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void CheckRecorded(string what)
    {
        if (Batch == 0)
        {
            throw new InvalidOperationException($"The workspace holds nothing yet: call {what} first.");
        }
    }
}

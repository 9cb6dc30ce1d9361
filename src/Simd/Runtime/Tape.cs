using System;
using System.ComponentModel;

namespace Simd;

/// <summary>
/// Memory a cell's sequence forward records for its backward pass. A tape is sized once for a maximum sequence
/// length and batch and then reused for every forward/backward pair, so training allocates nothing per step.
/// Create one with the cell's generated <c>CreateTape(maxSteps, maxBatch)</c>; a tape belongs to one cell shape.
/// </summary>
/// <typeparam name="T">The cell's element type.</typeparam>
public sealed class Tape<T>
    where T : unmanaged
{
    private readonly T[] _storage;
    private readonly Tape<T>[] _parts;

    /// <summary>Creates a tape; called by generated code, which knows how much the cell records per step.</summary>
    /// <param name="layout">Identifies the cell shape that may use this tape.</param>
    /// <param name="maxSteps">Longest sequence it can record.</param>
    /// <param name="maxBatch">Largest batch it can record.</param>
    /// <param name="length">Elements needed for <paramref name="maxSteps"/> and <paramref name="maxBatch"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">The tape would exceed the largest array .NET can allocate.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public Tape(string layout, int maxSteps, int maxBatch, long length)
    {
        Guard.NotNull(layout, nameof(layout));
        Guard.Count(maxSteps, int.MaxValue, nameof(maxSteps));
        Guard.Count(maxBatch, int.MaxValue, nameof(maxBatch));
        // Generated code computes the length in long arithmetic, which wraps for maxima near int.MaxValue (to a
        // small positive length, for some): every element count holds at least one element per step and sample,
        // so a product beyond one array is refused whatever the length says.
        if (length < 0 || length > Array.MaxLength || (long)maxSteps * maxBatch > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(
                nameof(maxBatch), length, $"A tape for {maxSteps} steps × {maxBatch} samples needs {length} elements, more than one array can hold ({Array.MaxLength}); use fewer steps or a smaller batch.");
        }

        Layout = layout;
        MaxSteps = maxSteps;
        MaxBatch = maxBatch;
        _storage = new T[length];
        _parts = [];
    }

    /// <summary>
    /// Creates the tape of a layered network: its own storage (inter-layer sequences and gradients) plus one tape per
    /// layer cell and direction. Called by generated code.
    /// </summary>
    /// <param name="layout">Identifies the network shape that may use this tape.</param>
    /// <param name="maxSteps">Longest sequence it can record.</param>
    /// <param name="maxBatch">Largest batch it can record.</param>
    /// <param name="length">Elements of the network's own storage.</param>
    /// <param name="parts">The layer cells' tapes, in the network's layer order.</param>
    /// <exception cref="ArgumentOutOfRangeException">The storage would exceed the largest array .NET can allocate.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public Tape(string layout, int maxSteps, int maxBatch, long length, Tape<T>[] parts)
        : this(layout, maxSteps, maxBatch, length)
    {
        Guard.NotNull(parts, nameof(parts));
        _parts = parts;
    }

    /// <summary>The tape of one layer cell of a layered network; called by generated code.</summary>
    /// <param name="index">Position in the network's layer order.</param>
    /// <returns>That layer cell's tape.</returns>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public Tape<T> Part(int index) => _parts[index];

    /// <summary>The cell shape this tape belongs to, for example <c>Lstm:32x64:float</c>.</summary>
    public string Layout { get; }

    /// <summary>Longest sequence this tape can record.</summary>
    public int MaxSteps { get; }

    /// <summary>Largest batch this tape can record.</summary>
    public int MaxBatch { get; }

    /// <summary>Steps recorded by the last forward pass; 0 when nothing is recorded.</summary>
    public int RecordedSteps { get; private set; }

    /// <summary>Batch size of the last recorded forward pass; 0 when nothing is recorded.</summary>
    public int RecordedBatch { get; private set; }

    /// <summary>Bytes this tape holds.</summary>
    public long SizeInBytes
    {
        get
        {
            var bytes = (long)_storage.Length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
            foreach (var part in _parts)
            {
                bytes += part.SizeInBytes;
            }

            return bytes;
        }
    }

    /// <summary>The raw storage; generated code splits it into regions.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public Span<T> Storage => _storage;

    /// <summary>Records that a forward pass of <paramref name="steps"/> × <paramref name="batch"/> is on the tape.</summary>
    /// <param name="steps">Steps recorded.</param>
    /// <param name="batch">Samples per step.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void MarkRecorded(int steps, int batch)
    {
        RecordedSteps = steps;
        RecordedBatch = batch;
    }

    /// <summary>Forgets the recorded forward pass, so a backward pass without a new forward is rejected.</summary>
    public void Clear()
    {
        RecordedSteps = 0;
        RecordedBatch = 0;
    }

    /// <summary>Throws unless this tape was made for the cell shape <paramref name="layout"/>.</summary>
    /// <param name="layout">The calling cell's layout key.</param>
    /// <param name="argumentName">The parameter name to report.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void CheckLayout(string layout, string argumentName)
    {
        Guard.Layout(layout, Layout, argumentName, "CreateTape");
    }

    /// <summary>Throws unless a forward pass has been recorded.</summary>
    /// <param name="argumentName">The parameter name to report.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void CheckRecorded(string argumentName)
    {
        if (RecordedSteps == 0)
        {
            throw new ArgumentException(
                $"'{argumentName}' holds no forward pass; call Forward with this tape before Backward.", argumentName);
        }
    }
}

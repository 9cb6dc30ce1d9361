using System;
using System.Threading;

namespace Simd;

/// <summary>
/// Publishes new weights to threads that keep running inference, without locks, allocation or torn reads: a reader
/// sees one whole published version, never a mix of two. It keeps a few instances of the same cell (made once by the
/// factory); exactly one is current. A reader leases the current instance for as long as it steps with it; the single
/// writer fills an instance no reader holds and then makes it current.
/// </summary>
/// <remarks>
/// <para>Each reader keeps its own state (h, c) and passes it to the leased cell, so any number of threads share one
/// published set of parameters. A reader that leases again after a publish gets the new version; one that keeps its
/// lease keeps stepping with the old one, whole.</para>
/// <para>How a lease stays safe: a reader announces itself on the current instance, then checks that it is still
/// current; if a publish moved on in between, it withdraws and tries again. The writer only writes an instance that is
/// not current and that no reader has announced itself on, so a reader can never hold an instance being written.</para>
/// <para>There must be one writer at a time (<see cref="BeginPublish"/> throws otherwise). With three instances a
/// publish always finds a free one unless readers still hold leases on both older versions.</para>
/// </remarks>
/// <typeparam name="TCell">The cell type, usually a generated class.</typeparam>
public sealed class WeightPublisher<TCell>
    where TCell : class
{
    private readonly TCell[] _instances;
    private readonly int[] _readers;
    private readonly long[] _versions;
    private int _current;
    private int _writing = -1;

    /// <summary>Creates the instances and makes the first current, as version 0.</summary>
    /// <param name="create">Makes one instance; called <paramref name="instances"/> times, here and never again.</param>
    /// <param name="initialize">Writes the initial weights into the first instance (version 0).</param>
    /// <param name="instances">How many instances to keep: at least 2; 3 lets a publish proceed while readers still hold the previous version.</param>
    /// <exception cref="ArgumentNullException"><paramref name="create"/> or <paramref name="initialize"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="instances"/> is below 2.</exception>
    public WeightPublisher(Func<TCell> create, Action<TCell> initialize, int instances = 3)
    {
        ArgumentNullException.ThrowIfNull(create);
        ArgumentNullException.ThrowIfNull(initialize);
        if (instances < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(instances), instances, "'instances' must be at least 2: one current and one to write.");
        }

        _instances = new TCell[instances];
        for (var i = 0; i < instances; i++)
        {
            _instances[i] = create() ?? throw new ArgumentException("The factory returned null.", nameof(create));
        }

        _readers = new int[instances];
        _versions = new long[instances];
        initialize(_instances[0]);
    }

    /// <summary>The version of the current instance: 0 at construction, then one more per <see cref="EndPublish"/>.</summary>
    public long Version => Volatile.Read(ref _versions[Volatile.Read(ref _current)]);

    /// <summary>Leases the current instance; dispose the lease when this thread's steps with it are done. Allocation-free.</summary>
    /// <returns>The lease, holding the instance and its version.</returns>
    public Lease Acquire()
    {
        while (true)
        {
            var slot = Volatile.Read(ref _current);
            Interlocked.Increment(ref _readers[slot]);
            if (Volatile.Read(ref _current) == slot)
            {
                return new Lease(this, slot);
            }

            // A publish moved on between the two reads: this slot may be about to be written.
            Interlocked.Decrement(ref _readers[slot]);
        }
    }

    /// <summary>
    /// Starts a publish: returns an instance that is neither current nor leased, for the writer to fill (for example
    /// with <c>ImportPyTorch</c> or by copying <c>Parameters</c>). Readers do not see it until <see cref="EndPublish"/>.
    /// </summary>
    /// <returns>The instance to write.</returns>
    /// <exception cref="InvalidOperationException">A publish is already in progress, or readers hold every other instance.</exception>
    public TCell BeginPublish()
    {
        if (!TryBeginPublish(out var instance))
        {
            throw new InvalidOperationException(Volatile.Read(ref _writing) >= 0
                ? "A publish is already in progress: call EndPublish first (one writer at a time)."
                : "Readers still hold leases on every instance but the current one; dispose older leases or keep more instances.");
        }

        return instance;
    }

    /// <summary>Like <see cref="BeginPublish"/>, but returns false instead of throwing when no instance is free.</summary>
    /// <param name="instance">The instance to write, or null.</param>
    /// <returns>Whether a publish has started.</returns>
    public bool TryBeginPublish(out TCell instance)
    {
        instance = null!;
        if (Volatile.Read(ref _writing) >= 0)
        {
            return false;
        }

        // Pairs with the reader's increment-then-check in Acquire (both sides need a full fence between their store
        // and their load, as in Dekker's algorithm).
        Interlocked.MemoryBarrier();
        var current = Volatile.Read(ref _current);
        for (var slot = 0; slot < _instances.Length; slot++)
        {
            if (slot != current && Volatile.Read(ref _readers[slot]) == 0)
            {
                if (Interlocked.CompareExchange(ref _writing, slot, -1) != -1)
                {
                    return false;
                }

                instance = _instances[slot];
                return true;
            }
        }

        return false;
    }

    /// <summary>Makes the instance from <see cref="BeginPublish"/> current, as the next version; later leases get it.</summary>
    /// <exception cref="InvalidOperationException">No publish is in progress.</exception>
    public void EndPublish()
    {
        var slot = Volatile.Read(ref _writing);
        if (slot < 0)
        {
            throw new InvalidOperationException("No publish is in progress: call BeginPublish first.");
        }

        Volatile.Write(ref _versions[slot], Volatile.Read(ref _versions[Volatile.Read(ref _current)]) + 1);

        // A full fence, not a release store: the next TryBeginPublish reads the reader counts, and a plain store may
        // still sit in this core's store buffer when it does. A reader could then still see the old slot as current,
        // announce itself on it after the writer read its count as zero, and lease an instance being rewritten.
        Interlocked.Exchange(ref _current, slot);
        Volatile.Write(ref _writing, -1);
    }

    private void Release(int slot) => Interlocked.Decrement(ref _readers[slot]);

    /// <summary>One reader's hold on a published instance; dispose it exactly once.</summary>
    public readonly struct Lease : IDisposable
    {
        private readonly WeightPublisher<TCell> _owner;
        private readonly int _slot;

        internal Lease(WeightPublisher<TCell> owner, int slot)
        {
            _owner = owner;
            _slot = slot;
        }

        /// <summary>The leased instance: step with it, do not write its parameters.</summary>
        public TCell Cell => _owner._instances[_slot];

        /// <summary>The version this instance was published as.</summary>
        public long Version => Volatile.Read(ref _owner._versions[_slot]);

        /// <summary>Gives the instance back.</summary>
        public void Dispose() => _owner?.Release(_slot);
    }
}

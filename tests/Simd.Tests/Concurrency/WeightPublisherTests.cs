using System;
using System.Threading;
using Simd.Tests.Support;
using Xunit;

namespace Simd.Tests.Concurrency;

/// <summary>The cell the publisher tests share: small, so a million steps stay quick on the scalar path too.</summary>
[LstmCell(8, 16)]
public sealed partial class PublishedPolicy;

/// <summary>
/// <see cref="WeightPublisher{TCell}"/>: readers on many threads step agents with one shared, republished set of
/// weights; every step must have used exactly one whole published version.
/// </summary>
public sealed class WeightPublisherTests
{
    private const int Threads = 8, StepsPerThread = 100_000, PublishEvery = 1_000;

    /// <summary>
    /// 8 threads × 100,000 steps, each with its own state, while a writer publishes new weights (version v: seed v)
    /// after every 1,000 steps taken in total. Every thread records which version each step leased and a checksum of
    /// the state after it; a single-threaded replay with the recorded versions must reproduce every checksum and the
    /// final state bit for bit. A torn read (weights half old, half new) would match no version and fail the replay.
    /// </summary>
    [Fact]
    public void Many_readers_and_a_republishing_writer_equal_a_single_threaded_replay()
    {
        var publisher = new WeightPublisher<PublishedPolicy>(() => new PublishedPolicy(), cell => cell.InitializeParameters(0));
        var versions = new int[Threads][];
        var checksums = new double[Threads][];
        var finalHidden = new float[Threads][];
        long stepsTaken = 0;
        var readersDone = 0;
        long published = 0;
        using var startLine = new Barrier(Threads);

        var writer = new Thread(() =>
        {
            long next = PublishEvery;
            while (Volatile.Read(ref readersDone) < Threads)
            {
                if (Interlocked.Read(ref stepsTaken) < next || !publisher.TryBeginPublish(out var cell))
                {
                    Thread.Yield();
                    continue;
                }

                cell.InitializeParameters((ulong)(publisher.Version + 1));
                publisher.EndPublish();
                Interlocked.Increment(ref published);
                next += PublishEvery;
            }
        });

        var readers = new Thread[Threads];
        for (var r = 0; r < Threads; r++)
        {
            var reader = r;
            versions[reader] = new int[StepsPerThread];
            checksums[reader] = new double[StepsPerThread];
            readers[r] = new Thread(() =>
            {
                float[] x = new float[PublishedPolicy.InputSize], h = new float[PublishedPolicy.HiddenSize], c = new float[PublishedPolicy.HiddenSize];
                startLine.SignalAndWait();
                for (var step = 0; step < StepsPerThread; step++)
                {
                    // Readers may not run ahead of the writer by more than two publish intervals, so every thread sees
                    // many versions however the scheduler shares 2 cores among 9 threads (without this, one reader can
                    // finish all its steps inside a single time slice while the writer waits for a core).
                    while (Interlocked.Read(ref stepsTaken) >= (Interlocked.Read(ref published) + 2) * PublishEvery)
                    {
                        Thread.Yield();
                    }

                    Input(reader, step, x);
                    using (var lease = publisher.Acquire())
                    {
                        lease.Cell.Step(x, h, c);
                        versions[reader][step] = (int)lease.Version;
                    }

                    checksums[reader][step] = Checksum(h, c);
                    Interlocked.Increment(ref stepsTaken);
                }

                finalHidden[reader] = h;
                Interlocked.Increment(ref readersDone);
            });
        }

        writer.Start();
        foreach (var thread in readers)
        {
            thread.Start();
        }

        foreach (var thread in readers)
        {
            thread.Join();
        }

        writer.Join();
        Assert.True(published >= 700, $"the writer published only {published} versions during {Threads * StepsPerThread} steps");

        var replay = new PublishedPolicy();
        for (var r = 0; r < Threads; r++)
        {
            float[] x = new float[PublishedPolicy.InputSize], h = new float[PublishedPolicy.HiddenSize], c = new float[PublishedPolicy.HiddenSize];
            var loaded = -1;
            var versionsSeen = 0;
            for (var step = 0; step < StepsPerThread; step++)
            {
                if (versions[r][step] != loaded)
                {
                    loaded = versions[r][step];
                    replay.InitializeParameters((ulong)loaded);
                    versionsSeen++;
                }

                Input(r, step, x);
                replay.Step(x, h, c);
                if (Checksum(h, c) != checksums[r][step])
                {
                    Assert.Fail($"thread {r}, step {step} (version {loaded}): the threaded state differs from the single-threaded replay");
                }
            }

            Assert.Equal(finalHidden[r], h);
            Assert.True(versionsSeen > 1, $"thread {r} never saw a republished version");
        }
    }

    [Fact]
    public void A_publish_is_invisible_until_it_ends_and_a_held_lease_keeps_its_version()
    {
        var publisher = new WeightPublisher<PublishedPolicy>(() => new PublishedPolicy(), cell => cell.InitializeParameters(1));
        using var old = publisher.Acquire();
        var oldWeight = old.Cell.Parameters[0];

        var next = publisher.BeginPublish();
        Assert.NotSame(old.Cell, next);
        next.InitializeParameters(2);
        using (var during = publisher.Acquire())
        {
            Assert.Same(old.Cell, during.Cell);
            Assert.Equal(0, during.Version);
        }

        publisher.EndPublish();
        using var fresh = publisher.Acquire();
        Assert.Same(next, fresh.Cell);
        Assert.Equal(1, fresh.Version);
        Assert.Equal(1, publisher.Version);
        Assert.Equal(0, old.Version);
        Assert.Equal(oldWeight, old.Cell.Parameters[0]);
    }

    [Fact]
    public void Leased_instances_are_never_handed_to_the_writer()
    {
        var publisher = new WeightPublisher<PublishedPolicy>(() => new PublishedPolicy(), cell => cell.InitializeParameters(1), instances: 2);
        var first = publisher.Acquire();
        publisher.BeginPublish().InitializeParameters(2);
        publisher.EndPublish();

        // Two instances: the current one, and the previous one that `first` still holds.
        Assert.False(publisher.TryBeginPublish(out _));
        var e = Assert.Throws<InvalidOperationException>(() => publisher.BeginPublish());
        Assert.Contains("leases", e.Message, StringComparison.Ordinal);

        first.Dispose();
        Assert.True(publisher.TryBeginPublish(out var freed));
        Assert.Same(first.Cell, freed);
        publisher.EndPublish();
    }

    [Fact]
    public void One_writer_at_a_time_and_bad_arguments_throw_clearly()
    {
        var publisher = new WeightPublisher<PublishedPolicy>(() => new PublishedPolicy(), cell => cell.InitializeParameters(1));
        Assert.Contains("No publish is in progress", Assert.Throws<InvalidOperationException>(() => publisher.EndPublish()).Message, StringComparison.Ordinal);
        publisher.BeginPublish();
        Assert.Contains("already in progress", Assert.Throws<InvalidOperationException>(() => publisher.BeginPublish()).Message, StringComparison.Ordinal);
        publisher.EndPublish();

        Assert.Equal("instances", Assert.Throws<ArgumentOutOfRangeException>(() => new WeightPublisher<PublishedPolicy>(() => new PublishedPolicy(), _ => { }, instances: 1)).ParamName);
        Assert.Equal("create", Assert.Throws<ArgumentNullException>(() => new WeightPublisher<PublishedPolicy>(null!, _ => { })).ParamName);
        Assert.Equal("initialize", Assert.Throws<ArgumentNullException>(() => new WeightPublisher<PublishedPolicy>(() => new PublishedPolicy(), null!)).ParamName);
    }

    [Fact]
    public void Leasing_and_stepping_allocate_nothing()
    {
        var publisher = new WeightPublisher<PublishedPolicy>(() => new PublishedPolicy(), cell => cell.InitializeParameters(1));
        float[] x = new float[PublishedPolicy.InputSize], h = new float[PublishedPolicy.HiddenSize], c = new float[PublishedPolicy.HiddenSize];
        Allocations.AssertNoneAfterWarmUp(() =>
        {
            using var lease = publisher.Acquire();
            lease.Cell.Step(x, h, c);
        });
    }

    // A deterministic input per thread and step, in [−0.5, 0.5).
    private static void Input(int thread, int step, float[] x)
    {
        for (var k = 0; k < x.Length; k++)
        {
            x[k] = (((step * 31) + (k * 7) + (thread * 13)) % 97 / 97f) - 0.5f;
        }
    }

    private static double Checksum(float[] h, float[] c)
    {
        double sum = 0;
        for (var k = 0; k < h.Length; k++)
        {
            sum += (h[k] * (k + 1.0)) + (c[k] * (k + 0.5));
        }

        return sum;
    }
}

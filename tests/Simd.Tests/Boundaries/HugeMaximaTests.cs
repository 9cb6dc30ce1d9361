using System;
using Xunit;

namespace Simd.Tests.Boundaries;

/// <summary>
/// Tapes, workspaces and caches asked for maxima near int.MaxValue: the documented ArgumentOutOfRangeException, never
/// a tape of some other size. The generated length is a long polynomial in the maxima and wraps for such products.
/// </summary>
public sealed class HugeMaximaTests
{
    // For Lstm7x13 the tape length is 150·T·B + 52·B + 1040: with these maxima it wraps to 2 785 602 elements, a tape
    // that claimed to hold two billion steps of two billion samples.
    private const int WrappingSteps = 2004323239;
    private const int WrappingBatch = 2147478111;

    public static TheoryData<int, int> HugeMaxima => new()
    {
        { WrappingSteps, WrappingBatch },
        { int.MaxValue, int.MaxValue },
        { int.MaxValue, 2 },
        { 2, int.MaxValue },
        { 1 << 16, 1 << 16 },
    };

    [Theory]
    [MemberData(nameof(HugeMaxima))]
    public void Tapes_workspaces_and_caches_refuse_maxima_beyond_one_array(int first, int second)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Lstm7x13.CreateTape(first, second));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gru3x5D.CreateTape(first, second));
        Assert.Throws<ArgumentOutOfRangeException>(() => Rnn3x5.CreateTape(first, second));
        Assert.Throws<ArgumentOutOfRangeException>(() => LstmNet5x11L2Bi.CreateTape(first, second));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AttnAdd5x7x9().CreateWorkspace(first, second));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AttnMha6h2().CreateWorkspace(first, second));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AttnMha6h2().CreateCache(first, second));
    }
}

using System;
using System.Collections.Generic;
using Xunit;

namespace Simd.Tests;

/// <summary>The generated RNN cells under test, by name ("relu:" marks the ReLU cells), so theories can run every shape.</summary>
public static class RnnCatalog
{
    private const string ReluPrefix = "relu:";

    private static readonly Dictionary<string, Func<IHiddenStateCell<float>>> Singles = new()
    {
        ["1x1"] = static () => new Rnn1x1(),
        ["3x5"] = static () => new Rnn3x5(),
        ["7x13"] = static () => new Rnn7x13(),
        ["17x31"] = static () => new Rnn17x31(),
        ["33x65"] = static () => new Rnn33x65(),
        ["64x64"] = static () => new Rnn64x64(),
        ["100x3"] = static () => new Rnn100x3(),
        ["128x256"] = static () => new Rnn128x256(),
        ["2x18"] = static () => new Rnn2x18(),
        ["9x42"] = static () => new Rnn9x42(),
        ["66x7"] = static () => new Rnn66x7(),
        ["5x71"] = static () => new Rnn5x71(),
        ["32x64"] = static () => new Rnn32x64(),
        ["relu:3x5"] = static () => new RnnRelu3x5(),
        ["relu:7x13"] = static () => new RnnRelu7x13(),
        ["relu:17x31"] = static () => new RnnRelu17x31(),
        ["relu:33x65"] = static () => new RnnRelu33x65(),
        ["relu:9x42"] = static () => new RnnRelu9x42(),
    };

    private static readonly Dictionary<string, Func<IHiddenStateCell<double>>> Doubles = new()
    {
        ["1x1"] = static () => new Rnn1x1D(),
        ["3x5"] = static () => new Rnn3x5D(),
        ["7x13"] = static () => new Rnn7x13D(),
        ["17x31"] = static () => new Rnn17x31D(),
        ["33x65"] = static () => new Rnn33x65D(),
        ["64x64"] = static () => new Rnn64x64D(),
        ["100x3"] = static () => new Rnn100x3D(),
        ["128x256"] = static () => new Rnn128x256D(),
        ["2x18"] = static () => new Rnn2x18D(),
        ["9x42"] = static () => new Rnn9x42D(),
        ["66x7"] = static () => new Rnn66x7D(),
        ["5x71"] = static () => new Rnn5x71D(),
        ["relu:3x5"] = static () => new RnnRelu3x5D(),
        ["relu:7x13"] = static () => new RnnRelu7x13D(),
        ["relu:17x31"] = static () => new RnnRelu17x31D(),
        ["relu:33x65"] = static () => new RnnRelu33x65D(),
        ["relu:9x42"] = static () => new RnnRelu9x42D(),
    };

    public static TheoryData<string> SingleShapes => new(Singles.Keys);

    public static TheoryData<string> DoubleShapes => new(Doubles.Keys);

    public static IHiddenStateCell<float> Single(string shape) => Singles[shape]();

    public static IHiddenStateCell<double> Double(string shape) => Doubles[shape]();

    /// <summary>Whether the named cell uses ReLU rather than tanh.</summary>
    public static bool IsRelu(string shape) => shape.StartsWith(ReluPrefix, StringComparison.Ordinal);
}

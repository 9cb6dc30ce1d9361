using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace Simd.Tests;

/// <summary>The generated cells under test, by name, so theories can run every shape.</summary>
public static class CellCatalog
{
    private static readonly Dictionary<string, Func<ILstmCell<float>>> Singles = new()
    {
        ["1x1"] = static () => new Lstm1x1(),
        ["3x5"] = static () => new Lstm3x5(),
        ["7x13"] = static () => new Lstm7x13(),
        ["17x31"] = static () => new Lstm17x31(),
        ["33x65"] = static () => new Lstm33x65(),
        ["64x64"] = static () => new Lstm64x64(),
        ["100x3"] = static () => new Lstm100x3(),
        ["128x256"] = static () => new Lstm128x256(),
        ["2x18"] = static () => new Lstm2x18(),
        ["9x42"] = static () => new Lstm9x42(),
        ["66x7"] = static () => new Lstm66x7(),
        ["8x16"] = static () => new Lstm8x16(),
        ["32x64"] = static () => new Lstm32x64(),
        ["5x71"] = static () => new Lstm5x71(),
    };

    private static readonly Dictionary<string, Func<ILstmCell<double>>> Doubles = new()
    {
        ["1x1"] = static () => new Lstm1x1D(),
        ["3x5"] = static () => new Lstm3x5D(),
        ["7x13"] = static () => new Lstm7x13D(),
        ["17x31"] = static () => new Lstm17x31D(),
        ["33x65"] = static () => new Lstm33x65D(),
        ["64x64"] = static () => new Lstm64x64D(),
        ["100x3"] = static () => new Lstm100x3D(),
        ["128x256"] = static () => new Lstm128x256D(),
        ["2x18"] = static () => new Lstm2x18D(),
        ["9x42"] = static () => new Lstm9x42D(),
        ["66x7"] = static () => new Lstm66x7D(),
        ["5x11"] = static () => new Lstm5x11D(),
    };

    public static TheoryData<string> SingleShapes => new(Singles.Keys);

    public static TheoryData<string> DoubleShapes => new(Doubles.Keys);

    public static ILstmCell<float> Single(string shape) => Singles[shape]();

    public static ILstmCell<double> Double(string shape) => Doubles[shape]();
}

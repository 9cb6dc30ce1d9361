using System;
using System.Collections.Generic;
using Xunit;

namespace Simd.Tests;

/// <summary>The generated GRU cells under test, by variant and shape, so theories can run every one.</summary>
public static class GruCatalog
{
    private static readonly Dictionary<string, Func<IHiddenStateCell<float>>> AfterSingles = new()
    {
        ["1x1"] = static () => new Gru1x1(),
        ["3x5"] = static () => new Gru3x5(),
        ["7x13"] = static () => new Gru7x13(),
        ["17x31"] = static () => new Gru17x31(),
        ["33x65"] = static () => new Gru33x65(),
        ["64x64"] = static () => new Gru64x64(),
        ["100x3"] = static () => new Gru100x3(),
        ["128x256"] = static () => new Gru128x256(),
        ["2x18"] = static () => new Gru2x18(),
        ["9x42"] = static () => new Gru9x42(),
        ["66x7"] = static () => new Gru66x7(),
        ["5x71"] = static () => new Gru5x71(),
        ["32x64"] = static () => new Gru32x64(),
    };

    private static readonly Dictionary<string, Func<IHiddenStateCell<double>>> AfterDoubles = new()
    {
        ["1x1"] = static () => new Gru1x1D(),
        ["3x5"] = static () => new Gru3x5D(),
        ["7x13"] = static () => new Gru7x13D(),
        ["17x31"] = static () => new Gru17x31D(),
        ["33x65"] = static () => new Gru33x65D(),
        ["64x64"] = static () => new Gru64x64D(),
        ["100x3"] = static () => new Gru100x3D(),
        ["128x256"] = static () => new Gru128x256D(),
        ["2x18"] = static () => new Gru2x18D(),
        ["9x42"] = static () => new Gru9x42D(),
        ["66x7"] = static () => new Gru66x7D(),
        ["5x71"] = static () => new Gru5x71D(),
    };

    private static readonly Dictionary<string, Func<IHiddenStateCell<float>>> BeforeSingles = new()
    {
        ["1x1"] = static () => new GruRb1x1(),
        ["3x5"] = static () => new GruRb3x5(),
        ["7x13"] = static () => new GruRb7x13(),
        ["17x31"] = static () => new GruRb17x31(),
        ["9x42"] = static () => new GruRb9x42(),
        ["66x7"] = static () => new GruRb66x7(),
    };

    private static readonly Dictionary<string, Func<IHiddenStateCell<double>>> BeforeDoubles = new()
    {
        ["1x1"] = static () => new GruRb1x1D(),
        ["3x5"] = static () => new GruRb3x5D(),
        ["7x13"] = static () => new GruRb7x13D(),
        ["17x31"] = static () => new GruRb17x31D(),
        ["9x42"] = static () => new GruRb9x42D(),
        ["66x7"] = static () => new GruRb66x7D(),
    };

    /// <summary>Every float cell as (variant, shape); the variant is "after" or "before" where the reset gate applies.</summary>
    public static TheoryData<string, string> SingleCells => Cells(AfterSingles.Keys, BeforeSingles.Keys);

    /// <summary>Every double cell as (variant, shape).</summary>
    public static TheoryData<string, string> DoubleCells => Cells(AfterDoubles.Keys, BeforeDoubles.Keys);

    public static IHiddenStateCell<float> Single(string variant, string shape) => (variant == "before" ? BeforeSingles : AfterSingles)[shape]();

    public static IHiddenStateCell<double> Double(string variant, string shape) => (variant == "before" ? BeforeDoubles : AfterDoubles)[shape]();

    private static TheoryData<string, string> Cells(IEnumerable<string> after, IEnumerable<string> before)
    {
        var data = new TheoryData<string, string>();
        foreach (var shape in after)
        {
            data.Add("after", shape);
        }

        foreach (var shape in before)
        {
            data.Add("before", shape);
        }

        return data;
    }
}

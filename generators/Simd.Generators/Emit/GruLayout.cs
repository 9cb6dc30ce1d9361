using System.Collections.Generic;

namespace Simd.Generators.Emit;

/// <summary>
/// Where each GRU parameter lives in Simd's flat parameter array. Hidden units are grouped into panels of
/// <see cref="UnitsPerPanel"/>; a panel's weights are stored row by row over the inputs k = 0..I+H−1, each row holding
/// the panel's r, z and n weights side by side (x-rows carry W_ir, W_iz, W_in; h-rows carry W_hr, W_hz, W_hn). A step
/// streams the weights once, front to back, with every load a contiguous vector: r and z read both parts of a row,
/// W_in x and W_hn h read the n columns of the x-rows and h-rows into separate accumulators, as both variants need.
/// The biases follow, bias_ih then bias_hh, each in the same panel order [r z n].
/// </summary>
internal sealed class GruLayout
{
    public GruLayout(int inputSize, int hiddenSize, int elementBytes)
    {
        I = inputSize;
        H = hiddenSize;
        K = I + H;
        G = 3 * H;
        UnitsPerPanel = 64 / elementBytes;
        PanelWidth = 3 * UnitsPerPanel;
        FullPanels = H / UnitsPerPanel;
        TailUnits = H % UnitsPerPanel;
        BiasIhOffset = (long)G * K;
        BiasHhOffset = BiasIhOffset + G;
        ParameterCount = BiasHhOffset + G;
    }

    public int I { get; }

    public int H { get; }

    /// <summary>Inputs to each gate row: I + H.</summary>
    public int K { get; }

    /// <summary>Gate rows: 3H.</summary>
    public int G { get; }

    /// <summary>Hidden units per panel: 16 floats or 8 doubles, so one gate of a panel fills a 64-byte vector.</summary>
    public int UnitsPerPanel { get; }

    /// <summary>Gate rows per full panel: 3 × <see cref="UnitsPerPanel"/>.</summary>
    public int PanelWidth { get; }

    public int FullPanels { get; }

    /// <summary>Units in the last, narrower panel; 0 when H is a multiple of the panel size.</summary>
    public int TailUnits { get; }

    public long BiasIhOffset { get; }

    public long BiasHhOffset { get; }

    public long ParameterCount { get; }

    /// <summary>The panels as (is the full-panel loop, units per panel); the tail panel, if any, comes last.</summary>
    public IEnumerable<(bool Full, int Units)> Panels()
    {
        if (FullPanels > 0)
        {
            yield return (true, UnitsPerPanel);
        }

        if (TailUnits > 0)
        {
            yield return (false, TailUnits);
        }
    }
}

using System.Collections.Generic;

namespace Simd.Generators.Emit;

/// <summary>
/// Where each LSTM parameter lives in Simd's flat parameter array (see README, "Parameter layout").
/// Hidden units are grouped into panels of <see cref="UnitsPerPanel"/>; a panel's weights are stored row by row
/// over the inputs k = 0..I+H−1, each row holding the panel's i, f, g and o gate weights side by side, so a
/// step streams the weights once, front to back, with every load a contiguous vector.
/// With a projection (PyTorch's <c>proj_size</c> = P &gt; 0) the recurrent input is the projected state, so a row
/// runs over k = 0..I+P−1, and W_hr follows the biases transposed: an H × P row-major block (row j holds
/// W_hr[0..P−1, j]), so the projection h = W_hr r streams it front to back with contiguous loads over P.
/// </summary>
internal sealed class LstmLayout
{
    public LstmLayout(int inputSize, int hiddenSize, int elementBytes, int projectionSize = 0)
    {
        I = inputSize;
        H = hiddenSize;
        P = projectionSize;
        O = projectionSize > 0 ? projectionSize : hiddenSize;
        K = I + O;
        G = 4 * H;
        UnitsPerPanel = 64 / elementBytes;
        PanelWidth = 4 * UnitsPerPanel;
        FullPanels = H / UnitsPerPanel;
        TailUnits = H % UnitsPerPanel;
        BiasIhOffset = (long)G * K;
        BiasHhOffset = BiasIhOffset + G;
        ProjectionOffset = BiasHhOffset + G;
        ParameterCount = ProjectionOffset + ((long)P * H);
    }

    public int I { get; }

    public int H { get; }

    /// <summary>Projection size; 0 when the cell has no projection.</summary>
    public int P { get; }

    /// <summary>Length of the hidden state h (and of each output): P with a projection, otherwise H.</summary>
    public int O { get; }

    /// <summary>Whether the hidden state is projected.</summary>
    public bool Projected => P > 0;

    /// <summary>Inputs to each gate row: I + O.</summary>
    public int K { get; }

    /// <summary>Gate rows: 4H.</summary>
    public int G { get; }

    /// <summary>Hidden units per panel: 16 floats or 8 doubles, so one gate of a panel fills a 64-byte vector.</summary>
    public int UnitsPerPanel { get; }

    /// <summary>Gate rows per full panel: 4 × <see cref="UnitsPerPanel"/>.</summary>
    public int PanelWidth { get; }

    public int FullPanels { get; }

    /// <summary>Units in the last, narrower panel; 0 when H is a multiple of the panel size.</summary>
    public int TailUnits { get; }

    public long BiasIhOffset { get; }

    public long BiasHhOffset { get; }

    /// <summary>Where W_hrᵀ (H × P, row-major) starts; equals <see cref="ParameterCount"/> without a projection.</summary>
    public long ProjectionOffset { get; }

    public long ParameterCount { get; }

    /// <summary>The distinct panel widths in units: the full width (if any full panel) and the tail's (if any).</summary>
    public IEnumerable<int> PanelUnits()
    {
        if (FullPanels > 0)
        {
            yield return UnitsPerPanel;
        }

        if (TailUnits > 0)
        {
            yield return TailUnits;
        }
    }
}

using System.Collections.Generic;
using System.Linq;
using Simd.Generators.Model;

namespace Simd.Generators.Emit;

/// <summary>
/// Writes the generated half of a <c>[GruCell]</c> class: r = σ(W_ir x + b_ir + W_hr h + b_hr),
/// z = σ(W_iz x + b_iz + W_hz h + b_hz), n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)) (reset after, PyTorch) or
/// n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn) (reset before, original paper), h' = (1 − z) ⊙ n + z ⊙ h.
/// </summary>
internal sealed class GruEmitter : CellEmitterBase
{
    private readonly GruLayout _l;
    private readonly bool _before;

    private GruEmitter(CellSpec spec)
        : base(spec)
    {
        _before = spec.ResetBefore;
        _l = new GruLayout(spec.InputSize, spec.HiddenSize, _v.ElementBytes);
    }

    public static string Emit(CellSpec spec) => new GruEmitter(spec).Write();

    protected override string KernelClass => "SimdGruKernels";

    private string Write()
    {
        foreach (var isa in Isa.All)
        {
            EmitForwardKernels(isa);
            EmitBackwardKernels(isa);
        }

        return CellApi.WriteFile(_spec, _v, $"global::Simd.IHiddenStateCell<{_e}>", EmitPublicApi, null, KernelClass, _tiles.Methods + _k);
    }

    // ---------------------------------------------------------------- forward kernels

    /// <summary>
    /// Scratch row of one sample: one panel's [r z n_x n_h] pre-activations, 4u wide, reused panel after panel.
    /// Reset-before needs every r before any W_hn (r ⊙ h), so what outlives its panel goes elsewhere: W_in x straight
    /// into hOut, z's pre-activation into <c>zs</c> and r ⊙ h into <c>rh</c> (H per sample each), keeping the stack
    /// small for large H.
    /// </summary>
    private static int ScratchStride(int units) => 4 * units;

    private int ScratchLength => 4 * (_l.FullPanels > 0 ? _l.UnitsPerPanel : _l.TailUnits);

    private static string GroupName(Isa isa, int rows, bool record) => $"Forward{isa.Name}N{rows}{(record ? "Rec" : string.Empty)}";

    private string ActName(Isa isa, int units, bool record, bool fused = false) => $"Act{isa.Name}U{units}{(record ? "Rec" : string.Empty)}{(fused ? "F" : string.Empty)}";

    /// <summary>
    /// Whether a panel is computed by one split tile (<see cref="SplitSegments"/>): reset-after full panels on the
    /// Vector512 path, where the panel's r, z and n columns are exactly three vectors, so the tile holds r, z, W_in x
    /// and W_hn h together and every input is broadcast once. Narrower paths would need more registers than they have.
    /// Not in deterministic mode: the split tile starts the n sums from their biases, the other paths add them last.
    /// </summary>
    private bool Fused(Isa isa, bool full) => !_before && full && isa.Bytes == 64 && !_v.Deterministic;

    /// <summary>
    /// The elementwise end of a panel: activations, h' = n + z ⊙ (h − n) and, with <paramref name="record"/>, the
    /// gates for backward. <paramref name="fused"/>: the split tile already added b_in and b_hn to the n slots.
    /// </summary>
    private void EmitAct(Isa isa, int units, bool record, bool fused = false)
    {
        var w = _k;
        var e = _e;
        var h = _l.H;
        var rh = _before ? $", ref {e} rh, ref {e} zs" : string.Empty;
        var rec = record ? $", ref {e} gates" : string.Empty;
        w.Line(Opt);
        var biases = fused ? string.Empty : $"ref {e} bih, ref {e} bhh, ";
        w.Open($"private static void {ActName(isa, units, record, fused)}(ref {e} scr, {biases}ref {e} hPrev{rh}, ref {e} hOut{rec})");
        KernelLoops.Elementwise(w, isa, _v, units, (width, j) =>
        {
            string Off(int slot) => slot == 0 ? j : $"{I(slot * units)} + {j}";
            string Rec(int gate) => gate == 0 ? j : $"{I(gate * h)} + {j}";
            var bn = $"{_v.Load(width, "bih", Off(2))} + {_v.Load(width, "bhh", Off(2))}";
            if (_before)
            {
                // hOut holds W_in x from the first pass and the n_h slot W_hn (r ⊙ h); r was recorded by that pass.
                w.Line($"var z = {Math}.Sigmoid({_v.Load(width, "zs", j)});");
                w.Line($"var n = {Math}.Tanh({_v.Load(width, "hOut", j)} + {_v.Load(width, "scr", Off(3))} + {bn});");
            }
            else
            {
                var inputBias = fused ? string.Empty : $" + {_v.Load(width, "bih", Off(2))}";
                var hiddenBias = fused ? string.Empty : $" + {_v.Load(width, "bhh", Off(2))}";
                w.Line($"var r = {Math}.Sigmoid({_v.Load(width, "scr", Off(0))});");
                w.Line($"var z = {Math}.Sigmoid({_v.Load(width, "scr", Off(1))});");
                w.Line($"var gh = {_v.Load(width, "scr", Off(3))}{hiddenBias};");
                w.Line($"var n = {Math}.Tanh({Math}.MulAdd(r, gh, {_v.Load(width, "scr", Off(2))}{inputBias}));");
            }

            w.Line(_v.Store(width, $"{Math}.MulAdd(z, {_v.Load(width, "hPrev", j)} - n, n)", "hOut", j));
            if (record)
            {
                if (!_before)
                {
                    w.Line(_v.Store(width, "r", "gates", Rec(0)));
                }

                w.Line(_v.Store(width, "z", "gates", Rec(1)));
                w.Line(_v.Store(width, "n", "gates", Rec(2)));
                w.Line(_v.Store(width, _before ? _v.Load(width, "rh", j) : "gh", "gates", Rec(3)));
            }
        });
        w.Close();
        w.Line();
    }

    private static string ResetName(Isa isa, int units, bool record) => $"Reset{isa.Name}U{units}{(record ? "Rec" : string.Empty)}";

    /// <summary>
    /// Reset-before's first-pass end: r = σ(pre) gives r ⊙ h for the candidate's recurrent product (and r is recorded),
    /// and z's pre-activation is kept until the second pass.
    /// </summary>
    private void EmitResetGate(Isa isa, int units, bool record)
    {
        var w = _k;
        var e = _e;
        w.Line(Opt);
        w.Open($"private static void {ResetName(isa, units, record)}(ref {e} scr, ref {e} hPrev, ref {e} rh, ref {e} zs{(record ? $", ref {e} gates" : string.Empty)})");
        KernelLoops.Elementwise(w, isa, _v, units, (width, j) =>
        {
            w.Line($"var r = {Math}.Sigmoid({_v.Load(width, "scr", j)});");
            w.Line(_v.Store(width, $"r * {_v.Load(width, "hPrev", j)}", "rh", j));
            w.Line(_v.Store(width, _v.Load(width, "scr", $"{I(units)} + {j}"), "zs", j));
            if (record)
            {
                w.Line(_v.Store(width, "r", "gates", j));
            }
        });
        w.Close();
        w.Line();
    }

    private void EmitForwardKernels(Isa isa)
    {
        var l = _l;
        var e = _e;
        foreach (var (full, units) in l.Panels())
        {
            EmitAct(isa, units, record: false, Fused(isa, full));
            EmitAct(isa, units, record: true, Fused(isa, full));
            if (_before)
            {
                EmitResetGate(isa, units, record: false);
                EmitResetGate(isa, units, record: true);
            }
        }

        for (var rows = 1; rows <= RowsPerTile(isa); rows++)
        {
            foreach (var record in new[] { false, true })
            {
                var w = _k;
                w.Line(Opt);
                w.Open($"private static void {GroupName(isa, rows, record)}(ref {e} w, ref {e} x, ref {e} hPrev, ref {e} hOut{(record ? $", ref {e} gates" : string.Empty)})");
                w.Line($"{Span}<{e}> scratch = stackalloc {e}[{I(rows * ScratchLength)}];");
                w.Line($"ref {e} scr = ref {Marshal}.GetReference(scratch);");
                if (_before)
                {
                    w.Line($"{Span}<{e}> rhBuffer = stackalloc {e}[{I(rows * l.H)}];");
                    w.Line($"ref {e} rh = ref {Marshal}.GetReference(rhBuffer);");
                    w.Line($"{Span}<{e}> zBuffer = stackalloc {e}[{I(rows * l.H)}];");
                    w.Line($"ref {e} zs = ref {Marshal}.GetReference(zBuffer);");
                }

                foreach (var (full, units) in l.Panels())
                {
                    EmitPanelProducts(w, isa, rows, record, full, units);
                }

                if (_before)
                {
                    foreach (var (full, units) in l.Panels())
                    {
                        EmitPanelCandidate(w, isa, rows, record, full, units);
                    }
                }

                w.Close();
                w.Line();
            }
        }

        EmitStepBatchCore(isa);
        EmitForwardTapeCore(isa);
    }

    /// <summary>
    /// Opens the loop over the full panels (or the block of the tail panel) and declares <c>wOff</c> (weights),
    /// <c>uOff</c> (hidden units) and, for the forward pass, <c>gOff</c> (bias rows).
    /// </summary>
    private void OpenPanel(SourceWriter w, bool full, bool forward)
    {
        var l = _l;
        var panel = full ? "p" : I(l.FullPanels);
        w.Open(full ? $"for (int p = 0; p < {I(l.FullPanels)}; p++)" : string.Empty);
        w.Line($"int wOff = {panel} * {I((long)l.K * l.PanelWidth)};");
        w.Line($"int uOff = {panel} * {I(l.UnitsPerPanel)};");
        if (forward)
        {
            w.Line($"int gOff = {panel} * {I(l.PanelWidth)};");
        }
    }

    /// <summary>
    /// One panel's streaming pass: r and z over the x- and h-rows, W_in x over the x-rows and, for reset-after,
    /// W_hn h over the h-rows, each into its own scratch slot; reset-after then finishes the panel, reset-before
    /// activates r.
    /// </summary>
    private void EmitPanelProducts(SourceWriter w, Isa isa, int rows, bool record, bool full, int units)
    {
        var l = _l;
        var width = 3 * units;
        var stride = ScratchStride(units);
        var xSegment = new Segment(l.I, 1, width, l.I);
        var hSegment = new Segment(l.H, 1, width, l.H);
        var hRows = $"wOff + {I((long)l.I * width)}";
        OpenPanel(w, full, forward: true);
        if (Fused(isa, full))
        {
            var chunks = KernelLoops.ColumnTiles(isa, _v, width).Single().Chunks;
            var split = new SplitSegments(chunks.Count - 1, units);
            var name = _tiles.Get(isa, chunks, rows, new[] { xSegment, hSegment }, TileInit.Bias, stride, split: split);
            w.Line($"{name}(ref scr, {At("w", "wOff")}, ref x, {At("w", hRows)}, ref hPrev, {At("w", $"{I(l.BiasIhOffset)} + gOff")}, {At("w", $"{I(l.BiasHhOffset)} + gOff")});");
            for (var s = 0; s < rows; s++)
            {
                var unit = s == 0 ? "uOff" : $"{I(s * l.H)} + uOff";
                var gates = record ? $", {At("gates", s == 0 ? "uOff" : $"{I(s * 4 * l.H)} + uOff")}" : string.Empty;
                w.Line($"{ActName(isa, units, record, fused: true)}({At("scr", I(s * stride))}, {At("hPrev", unit)}, {At("hOut", unit)}{gates});");
            }

            w.Close();
            return;
        }

        KernelLoops.ForEachColumnTile(w, KernelLoops.ColumnTiles(isa, _v, 2 * units), (chunks, col) =>
        {
            var name = _tiles.Get(isa, chunks, rows, new[] { xSegment, hSegment }, TileInit.Bias, stride);
            w.Line($"{name}({At("scr", col)}, {At("w", $"wOff + {col}")}, ref x, {At("w", $"{hRows} + {col}")}, ref hPrev, {At("w", $"{I(l.BiasIhOffset)} + gOff + {col}")}, {At("w", $"{I(l.BiasHhOffset)} + gOff + {col}")});");
        });
        KernelLoops.ForEachColumnTile(w, KernelLoops.ColumnTiles(isa, _v, units), (chunks, col) =>
        {
            if (_before)
            {
                // W_in x goes straight to hOut (row stride H), which the second pass reads and overwrites.
                var name = _tiles.Get(isa, chunks, rows, new[] { xSegment }, TileInit.Zero, l.H);
                w.Line($"{name}({At("hOut", $"uOff + {col}")}, {At("w", $"wOff + {I(2 * units)} + {col}")}, ref x);");
            }
            else
            {
                var name = _tiles.Get(isa, chunks, rows, new[] { xSegment }, TileInit.Zero, stride);
                w.Line($"{name}({At("scr", $"{I(2 * units)} + {col}")}, {At("w", $"wOff + {I(2 * units)} + {col}")}, ref x);");
                name = _tiles.Get(isa, chunks, rows, new[] { hSegment }, TileInit.Zero, stride);
                w.Line($"{name}({At("scr", $"{I(3 * units)} + {col}")}, {At("w", $"{hRows} + {I(2 * units)} + {col}")}, ref hPrev);");
            }
        });
        for (var s = 0; s < rows; s++)
        {
            var scr = At("scr", I(s * stride));
            var unit = s == 0 ? "uOff" : $"{I(s * l.H)} + uOff";
            var gates = record ? $", {At("gates", s == 0 ? "uOff" : $"{I(s * 4 * l.H)} + uOff")}" : string.Empty;
            if (_before)
            {
                w.Line($"{ResetName(isa, units, record)}({scr}, {At("hPrev", unit)}, {At("rh", unit)}, {At("zs", unit)}{gates});");
            }
            else
            {
                w.Line($"{ActName(isa, units, record)}({scr}, {At("w", $"{I(l.BiasIhOffset)} + gOff")}, {At("w", $"{I(l.BiasHhOffset)} + gOff")}, {At("hPrev", unit)}, {At("hOut", unit)}{gates});");
            }
        }

        w.Close();
    }

    /// <summary>Reset-before's second pass: W_hn (r ⊙ h) over the n columns of the h-rows, then the panel's new state.</summary>
    private void EmitPanelCandidate(SourceWriter w, Isa isa, int rows, bool record, bool full, int units)
    {
        var l = _l;
        var width = 3 * units;
        var stride = ScratchStride(units);
        var hSegment = new Segment(l.H, 1, width, l.H);
        OpenPanel(w, full, forward: true);
        KernelLoops.ForEachColumnTile(w, KernelLoops.ColumnTiles(isa, _v, units), (chunks, col) =>
        {
            var name = _tiles.Get(isa, chunks, rows, new[] { hSegment }, TileInit.Zero, stride);
            w.Line($"{name}({At("scr", $"{I(3 * units)} + {col}")}, {At("w", $"wOff + {I(((long)l.I * width) + (2 * units))} + {col}")}, ref rh);");
        });
        for (var s = 0; s < rows; s++)
        {
            var scr = At("scr", I(s * stride));
            var unit = s == 0 ? "uOff" : $"{I(s * l.H)} + uOff";
            var gates = record ? $", {At("gates", s == 0 ? "uOff" : $"{I(s * 4 * l.H)} + uOff")}" : string.Empty;
            w.Line($"{ActName(isa, units, record)}({scr}, {At("w", $"{I(l.BiasIhOffset)} + gOff")}, {At("w", $"{I(l.BiasHhOffset)} + gOff")}, {At("hPrev", unit)}, {At("rh", unit)}, {At("zs", unit)}, {At("hOut", unit)}{gates});");
        }

        w.Close();
    }

    private void EmitStepBatchCore(Isa isa)
    {
        var l = _l;
        var e = _e;
        var w = _k;
        var nb = RowsPerTile(isa);
        w.Line(Opt);
        w.Open($"public static void StepBatch{isa.Name}(ref {e} w, ref {e} x, ref {e} h, int batch)");
        w.Line("// The new state overwrites the old in place while later panels still read it, so each group's previous");
        w.Line("// hidden state is copied first; sized for the batch when it is smaller than a group (stackalloc zeroes it).");
        w.Line($"{Span}<{e}> hPrev = stackalloc {e}[(batch < {I(nb)} ? batch : {I(nb)}) * {I(l.H)}];");
        w.Line($"ref {e} hp = ref {Marshal}.GetReference(hPrev);");
        KernelLoops.GroupLoop(w, nb, "batch", (rows, s0) =>
        {
            w.Line($"{Marshal}.CreateReadOnlySpan(ref {Unsafe}.Add(ref h, {s0} * {I(l.H)}), {I(rows * l.H)}).CopyTo(hPrev);");
            w.Line($"{GroupName(isa, rows, false)}(ref w, {At("x", $"{s0} * {I(l.I)}")}, ref hp, {At("h", $"{s0} * {I(l.H)}")});");
        });
        w.Close();
        w.Line();
    }

    private void EmitForwardTapeCore(Isa isa)
    {
        var l = _l;
        var e = _e;
        var w = _k;
        w.Line(Opt);
        w.Open($"public static void ForwardTape{isa.Name}(ref {e} w, ref {e} xs, ref {e} hs, ref {e} gates, int steps, int batch)");
        w.Open("for (int t = 0; t < steps; t++)");
        w.Line("int row = t * batch;");
        KernelLoops.GroupLoop(w, RowsPerTile(isa), "batch", (rows, s0) =>
        {
            var r = $"(row + {s0})";
            w.Line($"{GroupName(isa, rows, true)}(ref w, {At("xs", $"{r} * {I(l.I)}")}, {At("hs", $"{r} * {I(l.H)}")}, {At("hs", $"(row + batch + {s0}) * {I(l.H)}")}, {At("gates", $"{r} * {I(4 * l.H)}")});");
        });
        w.Close();
        w.Close();
        w.Line();
    }

    // ---------------------------------------------------------------- backward kernels

    /// <summary>
    /// Per sample, from the recorded [r | z | n | g] (g = W_hn h + b_hn after, r ⊙ h before) and dL/dh' = dOut + dh:
    /// the pre-activation gradients of the x-side rows (dax = [da_r | da_z | da_n]) and of the h-side rows
    /// (dah; its n part is r ⊙ da_n after, da_n before), and dh ← z ⊙ dL/dh', the direct path to h.
    /// Reset-before leaves da_r for <see cref="EmitResetBack"/>, which needs Σ W_hn ᵀ da_n first.
    /// </summary>
    private void EmitActBack(Isa isa)
    {
        var w = _k;
        var e = _e;
        var h = _l.H;
        w.Line(Opt);
        w.Open($"private static void ActBack{isa.Name}(ref {e} gates, ref {e} hPrev, ref {e} dOut, ref {e} dh, ref {e} dax, ref {e} dah)");
        KernelLoops.Elementwise(w, isa, _v, h, (width, j) =>
        {
            string Off(int gate) => gate == 0 ? j : $"{I(gate * h)} + {j}";
            w.Line($"var one = {_v.Constant(width, "1")};");
            w.Line($"var z = {_v.Load(width, "gates", Off(1))};");
            w.Line($"var n = {_v.Load(width, "gates", Off(2))};");
            w.Line($"var dhv = {_v.Load(width, "dOut", j)} + {_v.Load(width, "dh", j)};");
            w.Line("var dan = dhv * (one - z) * (one - (n * n));");
            w.Line($"var daz = dhv * ({_v.Load(width, "hPrev", j)} - n) * z * (one - z);");
            w.Line(_v.Store(width, "daz", "dax", Off(1)));
            w.Line(_v.Store(width, "dan", "dax", Off(2)));
            w.Line(_v.Store(width, "daz", "dah", Off(1)));
            if (_before)
            {
                w.Line(_v.Store(width, "dan", "dah", Off(2)));
            }
            else
            {
                w.Line($"var r = {_v.Load(width, "gates", Off(0))};");
                w.Line($"var dar = dan * {_v.Load(width, "gates", Off(3))} * r * (one - r);");
                w.Line(_v.Store(width, "dar", "dax", Off(0)));
                w.Line(_v.Store(width, "dar", "dah", Off(0)));
                w.Line(_v.Store(width, "dan * r", "dah", Off(2)));
            }

            w.Line(_v.Store(width, "dhv * z", "dh", j));
        });
        w.Close();
        w.Line();
    }

    /// <summary>Reset-before: with dq = W_hnᵀ da_n, da_r = dq ⊙ h ⊙ r(1 − r) and dh += r ⊙ dq.</summary>
    private void EmitResetBack(Isa isa)
    {
        var w = _k;
        var e = _e;
        var h = _l.H;
        w.Line(Opt);
        w.Open($"private static void ResetBack{isa.Name}(ref {e} gates, ref {e} hPrev, ref {e} dq, ref {e} dh, ref {e} dax, ref {e} dah)");
        KernelLoops.Elementwise(w, isa, _v, h, (width, j) =>
        {
            w.Line($"var r = {_v.Load(width, "gates", j)};");
            w.Line($"var dqv = {_v.Load(width, "dq", j)};");
            w.Line($"var dar = dqv * {_v.Load(width, "hPrev", j)} * r * ({_v.Constant(width, "1")} - r);");
            w.Line(_v.Store(width, "dar", "dax", j));
            w.Line(_v.Store(width, "dar", "dah", j));
            w.Line(_v.Store(width, $"{Math}.MulAdd(r, dqv, {_v.Load(width, "dh", j)})", "dh", j));
        });
        w.Close();
        w.Line();
    }

    private void EmitBackwardKernels(Isa isa)
    {
        var l = _l;
        var e = _e;
        EmitActBack(isa);
        if (_before)
        {
            EmitResetBack(isa);
        }

        // Input and state gradients read the weights in PyTorch's row-major layout (copied to the tape): row d of
        // weight_ih is the d-th reduction step of dx = Σ_d dax[d]·W_ih[d, ·], so every load is a contiguous row piece.
        for (var rows = 1; rows <= RowsPerTile(isa); rows++)
        {
            var w = _k;
            w.Line(Opt);
            w.Open($"private static void Dx{isa.Name}N{rows}(ref {e} wih, ref {e} dax, ref {e} dx)");
            KernelLoops.ForEachColumnTile(w, KernelLoops.ColumnTiles(isa, _v, l.I), (chunks, col) =>
            {
                var name = _tiles.Get(isa, chunks, rows, new[] { new Segment(l.G, 1, l.I, l.G) }, TileInit.Zero, l.I);
                w.Line($"{name}({At("dx", col)}, {At("wih", col)}, ref dax);");
            });
            w.Close();
            w.Line();

            // After: dh += W_hhᵀ dah over all three gates. Before: the r and z rows only (the n rows went into dq).
            w.Line(Opt);
            w.Open($"private static void Dh{isa.Name}N{rows}(ref {e} whh, ref {e} dah, ref {e} dh)");
            KernelLoops.ForEachColumnTile(w, KernelLoops.ColumnTiles(isa, _v, l.H), (chunks, col) =>
            {
                var name = _tiles.Get(isa, chunks, rows, new[] { new Segment(l.G, 1, l.H, _before ? 2 * l.H : l.G) }, TileInit.Accumulate, l.H);
                w.Line($"{name}({At("dh", col)}, {At("whh", col)}, ref dah);");
            });
            w.Close();
            w.Line();
            if (_before)
            {
                w.Line(Opt);
                w.Open($"private static void Dq{isa.Name}N{rows}(ref {e} whh, ref {e} dah, ref {e} dq)");
                KernelLoops.ForEachColumnTile(w, KernelLoops.ColumnTiles(isa, _v, l.H), (chunks, col) =>
                {
                    var name = _tiles.Get(isa, chunks, rows, new[] { new Segment(l.G, 1, l.H, l.H) }, TileInit.Zero, l.H);
                    w.Line($"{name}({At("dq", col)}, {At("whh", $"{I(2L * l.H * l.H)} + {col}")}, {At("dah", I(2 * l.H))});");
                });
                w.Close();
                w.Line();
            }
        }

        EmitDw(isa);
        EmitBackwardCore(isa);
    }

    /// <summary>
    /// Weight gradients, Σ over steps and samples of outer products, accumulated in the panel layout: one tile per
    /// gate and group of input rows k, its columns the panel's units (the gate gradients are stored gate by gate).
    /// </summary>
    private void EmitDw(Isa isa)
    {
        var l = _l;
        var e = _e;
        var w = _k;
        var nr = RowsPerTile(isa);
        w.Line(Opt);
        w.Open($"private static void Dw{isa.Name}(ref {e} grad, ref {e} xs, ref {e} hs, ref {e} gates, ref {e} dax, ref {e} dah, int count)");
        foreach (var (full, units) in l.Panels())
        {
            var width = 3 * units;
            var tiles = KernelLoops.ColumnTiles(isa, _v, units);
            OpenPanel(w, full, forward: false);
            var sources = new List<(string Source, long Offset, int StepStride, int Length, int First, string Da, int Gate)>();
            for (var gate = 0; gate < 3; gate++)
            {
                sources.Add(("xs", 0, l.I, l.I, 0, "dax", gate));
            }

            for (var gate = 0; gate < 3; gate++)
            {
                // Reset-before's W_hn multiplies r ⊙ h, recorded in the last quarter of each gate row.
                var q = _before && gate == 2;
                sources.Add((q ? "gates" : "hs", q ? 3 * l.H : 0, q ? 4 * l.H : l.H, l.H, l.I, "dah", gate));
            }

            foreach (var (source, offset, stepStride, length, first, da, gate) in sources)
            {
                KernelLoops.ForEachColumnTile(w, tiles, (chunks, col) =>
                {
                    void Call(int rows, string k0)
                    {
                        var name = _tiles.Get(isa, chunks, rows, new[] { new Segment(1, stepStride, l.G, -1) }, TileInit.Accumulate, width);
                        var src = offset == 0 ? At(source, k0) : At(source, k0 == "0" ? I(offset) : $"{I(offset)} + {k0}");
                        w.Line($"{name}({At("grad", $"wOff + ({I(first)} + {k0}) * {I(width)} + {I(gate * units)} + {col}")}, {At(da, $"{I(gate * l.H)} + uOff + {col}")}, {src}, count);");
                    }

                    KernelLoops.RowBlocks(w, length, nr, Call);
                });
            }

            w.Close();
        }

        w.Close();
        w.Line();
    }

    private void EmitBackwardCore(Isa isa)
    {
        var l = _l;
        var e = _e;
        var w = _k;
        var nb = RowsPerTile(isa);
        w.Line(Opt);
        w.Open($"public static void Backward{isa.Name}(ref {e} wih, ref {e} whh, ref {e} xs, ref {e} hs, ref {e} gates, ref {e} dax, ref {e} dah, ref {e} dh, ref {e} dq, ref {e} dOut, ref {e} dx, ref {e} grad, int steps, int batch)");
        w.Open("for (int t = steps - 1; t >= 0; t--)");
        w.Line("int stepRow = t * batch;");
        w.Open("for (int s = 0; s < batch; s++)");
        w.Line("int row = stepRow + s;");
        w.Line($"ActBack{isa.Name}({At("gates", $"row * {I(4 * l.H)}")}, {At("hs", $"row * {I(l.H)}")}, {At("dOut", $"row * {I(l.H)}")}, {At("dh", $"s * {I(l.H)}")}, {At("dax", $"row * {I(l.G)}")}, {At("dah", $"row * {I(l.G)}")});");
        w.Close();
        if (_before)
        {
            w.Open(string.Empty);
            KernelLoops.GroupLoop(w, nb, "batch", (rows, s0) =>
                w.Line($"Dq{isa.Name}N{rows}(ref whh, {At("dah", $"(stepRow + {s0}) * {I(l.G)}")}, {At("dq", $"{s0} * {I(l.H)}")});"));
            w.Close();
            w.Open("for (int s = 0; s < batch; s++)");
            w.Line("int row = stepRow + s;");
            w.Line($"ResetBack{isa.Name}({At("gates", $"row * {I(4 * l.H)}")}, {At("hs", $"row * {I(l.H)}")}, {At("dq", $"s * {I(l.H)}")}, {At("dh", $"s * {I(l.H)}")}, {At("dax", $"row * {I(l.G)}")}, {At("dah", $"row * {I(l.G)}")});");
            w.Close();
        }

        w.Open(string.Empty);
        KernelLoops.GroupLoop(w, nb, "batch", (rows, s0) =>
        {
            w.Line($"Dx{isa.Name}N{rows}(ref wih, {At("dax", $"(stepRow + {s0}) * {I(l.G)}")}, {At("dx", $"(stepRow + {s0}) * {I(l.I)}")});");
            w.Line($"Dh{isa.Name}N{rows}(ref whh, {At("dah", $"(stepRow + {s0}) * {I(l.G)}")}, {At("dh", $"{s0} * {I(l.H)}")});");
        });
        w.Close();
        w.Close();
        w.Line($"Dw{isa.Name}(ref grad, ref xs, ref hs, ref gates, ref dax, ref dah, steps * batch);");
        w.Close();
        w.Line();
    }

    // ---------------------------------------------------------------- public API

    private void EmitPublicApi(SourceWriter w)
    {
        var l = _l;
        var e = _e;
        var key = $"Gru:{I(l.I)}x{I(l.H)}:{e}{(_before ? ":reset-before" : string.Empty)}";
        var variant = _before
            ? "n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn) (reset before the recurrent product)"
            : "n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)) (reset after the recurrent product, as PyTorch)";
        w.Line("/// <summary>Length of each input vector x_t.</summary>");
        w.Line($"public const int InputSize = {I(l.I)};");
        w.Line("/// <summary>Length of the hidden state h.</summary>");
        w.Line($"public const int HiddenSize = {I(l.H)};");
        w.Line("/// <summary>Number of parameters: 3H·I + 3H·H weights and two 3H biases, as in PyTorch's <c>nn.GRU</c>.</summary>");
        w.Line($"public const int ParameterCount = {I(l.ParameterCount)};");
        w.Line($"/// <summary>Whether the reset gate applies before the recurrent product: {variant}.</summary>");
        w.Line($"public const bool ResetBeforeRecurrentProduct = {(_before ? "true" : "false")};");
        w.Line();
        w.Line($"private const int SimdUnitsPerPanel = {I(l.UnitsPerPanel)};");
        w.Line($"private const int SimdFullPanels = {I(l.FullPanels)};");
        w.Line($"private const int SimdTailUnits = {I(l.TailUnits)};");
        w.Line($"private const string SimdTapeLayout = \"{key}\";");
        CellApi.EmitStorage(w, e, _spec.TypeName, _spec.SharedStorage);
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// The parameters in Simd's panel layout: the hidden units are grouped in panels of");
        w.Line($"/// {I(l.UnitsPerPanel)}; for each panel and each input k = 0..I+H−1 a row holds the panel's r, z, n gate weights side by side,");
        w.Line("/// followed by bias_ih and bias_hh in the same panel order. Use <see cref=\"ImportPyTorch\"/>, <see cref=\"ExportPyTorch\"/>");
        w.Line("/// and <see cref=\"WeightIndex\"/> instead of relying on positions.");
        w.Line("/// </summary>");
        w.Line($"public {Span}<{e}> Parameters => {CellApi.ParametersExpression(_spec.SharedStorage)};");
        w.Line();

        w.Line("/// <summary>Index in <see cref=\"Parameters\"/> of PyTorch's weight at gate row <paramref name=\"row\"/> (0..3H−1, gate order r, z, n)");
        w.Line("/// and column <paramref name=\"column\"/>: columns 0..I−1 are <c>weight_ih</c>, columns I..I+H−1 are <c>weight_hh</c>.</summary>");
        w.Line("/// <param name=\"row\">Gate row in PyTorch order.</param><param name=\"column\">Input column; inputs first, then hidden state.</param>");
        w.Line("/// <returns>The index into the parameter layout.</returns>");
        w.Open("public static int WeightIndex(int row, int column)");
        w.Line("if ((uint)column >= InputSize + HiddenSize) throw new global::System.ArgumentOutOfRangeException(nameof(column), column, \"column must be in [0, InputSize + HiddenSize).\");");
        w.Line("int first = SimdGateOffset(row, out int rowStride, out int panelWeights);");
        w.Line("return panelWeights + (column * rowStride) + first;");
        w.Close();
        w.Line();
        w.Line("/// <summary>Index in <see cref=\"Parameters\"/> of PyTorch's <c>bias_ih[row]</c>.</summary><param name=\"row\">Gate row in PyTorch order.</param><returns>The index.</returns>");
        w.Line($"public static int BiasIhIndex(int row) => {I(l.BiasIhOffset)} + SimdGateIndex(row);");
        w.Line("/// <summary>Index in <see cref=\"Parameters\"/> of PyTorch's <c>bias_hh[row]</c>.</summary><param name=\"row\">Gate row in PyTorch order.</param><returns>The index.</returns>");
        w.Line($"public static int BiasHhIndex(int row) => {I(l.BiasHhOffset)} + SimdGateIndex(row);");
        w.Line();
        w.Line("/// <summary>Position of a gate row among the panel-ordered bias rows.</summary>");
        w.Open("private static int SimdGateIndex(int row)");
        w.Line("int first = SimdGateOffset(row, out _, out _);");
        w.Line("return ((row % HiddenSize) / SimdUnitsPerPanel * 3 * SimdUnitsPerPanel) + first;");
        w.Close();
        w.Line();
        w.Line("/// <summary>Offset of a gate row within its panel's weight row, the row stride of that panel, and where the panel's weights start.</summary>");
        w.Open("private static int SimdGateOffset(int row, out int rowStride, out int panelWeights)");
        w.Line("if ((uint)row >= 3 * HiddenSize) throw new global::System.ArgumentOutOfRangeException(nameof(row), row, \"row must be in [0, 3·HiddenSize).\");");
        w.Line("int unit = row % HiddenSize;");
        w.Line("int panel = unit / SimdUnitsPerPanel;");
        w.Line("int units = panel < SimdFullPanels ? SimdUnitsPerPanel : SimdTailUnits;");
        w.Line("rowStride = 3 * units;");
        w.Line($"panelWeights = panel * {I((long)l.K * l.PanelWidth)};");
        w.Line("return ((row / HiddenSize) * units) + (unit % SimdUnitsPerPanel);");
        w.Close();
        w.Line();
        w.Line("/// <summary>Copies the weights from Simd's layout into PyTorch's row-major <c>weight_ih</c> and <c>weight_hh</c>.</summary>");
        w.Open($"private static void SimdCopyWeights({ReadOnlySpan}<{e}> parameters, {Span}<{e}> weightIh, {Span}<{e}> weightHh)");
        w.Open("for (int row = 0; row < 3 * HiddenSize; row++)");
        w.Line("int first = SimdGateOffset(row, out int rowStride, out int panelWeights) + panelWeights;");
        w.Line("for (int k = 0; k < InputSize; k++) weightIh[(row * InputSize) + k] = parameters[first + (k * rowStride)];");
        w.Line("for (int k = 0; k < HiddenSize; k++) weightHh[(row * HiddenSize) + k] = parameters[first + ((InputSize + k) * rowStride)];");
        w.Close();
        w.Close();
        w.Line();

        // Import / export.
        const string Tensors = "/// <param name=\"weightIh\"><c>weight_ih</c>, [3H, I] row-major.</param><param name=\"weightHh\"><c>weight_hh</c>, [3H, H] row-major.</param><param name=\"biasIh\"><c>bias_ih</c>, [3H].</param><param name=\"biasHh\"><c>bias_hh</c>, [3H].</param>";
        w.Line("/// <summary>Loads this cell's parameters from PyTorch <c>nn.GRU</c> tensors (gate order r, z, n).</summary>");
        w.Line(Tensors);
        w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length; nothing is written.</exception>");
        w.Open($"public void ImportPyTorch({ReadOnlySpan}<{e}> weightIh, {ReadOnlySpan}<{e}> weightHh, {ReadOnlySpan}<{e}> biasIh, {ReadOnlySpan}<{e}> biasHh)");
        EmitLayoutChecks(w);
        w.Open("for (int row = 0; row < 3 * HiddenSize; row++)");
        w.Line("int first = SimdGateOffset(row, out int rowStride, out int panelWeights) + panelWeights;");
        w.Line("for (int k = 0; k < InputSize; k++) Parameters[first + (k * rowStride)] = weightIh[(row * InputSize) + k];");
        w.Line("for (int k = 0; k < HiddenSize; k++) Parameters[first + ((InputSize + k) * rowStride)] = weightHh[(row * HiddenSize) + k];");
        w.Line("Parameters[BiasIhIndex(row)] = biasIh[row];");
        w.Line("Parameters[BiasHhIndex(row)] = biasHh[row];");
        w.Close();
        w.Close();
        w.Line();
        w.Line("/// <summary>Writes this cell's parameters as PyTorch <c>nn.GRU</c> tensors (gate order r, z, n).</summary>");
        w.Line(Tensors);
        w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length; nothing is written.</exception>");
        w.Open($"public void ExportPyTorch({Span}<{e}> weightIh, {Span}<{e}> weightHh, {Span}<{e}> biasIh, {Span}<{e}> biasHh)");
        EmitLayoutChecks(w);
        w.Line("SimdCopyWeights(Parameters, weightIh, weightHh);");
        w.Open("for (int row = 0; row < 3 * HiddenSize; row++)");
        w.Line("biasIh[row] = Parameters[BiasIhIndex(row)];");
        w.Line("biasHh[row] = Parameters[BiasHhIndex(row)];");
        w.Close();
        w.Close();
        w.Line();
        w.Line("/// <summary>Fills every parameter from U(−1/√H, 1/√H), PyTorch's default GRU initialisation, with a seeded generator.</summary>");
        w.Line("/// <param name=\"seed\">Seed; the same seed gives the same parameters on every machine.</param>");
        w.Line("public void InitializeParameters(ulong seed) => global::Simd.Initialization.FillUniform(Parameters, 1 / global::System.Math.Sqrt(HiddenSize), seed);");
        w.Line();

        EmitHiddenStateSteps(w);

        // Tape.
        w.Line("/// <summary>Creates a tape that records up to <paramref name=\"maxSteps\"/> steps of up to <paramref name=\"maxBatch\"/> samples for <see cref=\"Backward\"/>.</summary>");
        w.Line("/// <param name=\"maxSteps\">Longest sequence to record.</param><param name=\"maxBatch\">Largest batch to record.</param>");
        w.Line("/// <returns>A tape to pass to <see cref=\"Forward\"/> and <see cref=\"Backward\"/>; allocate it once and reuse it.</returns>");
        w.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\">A maximum is below 1, or the storage would exceed the largest array .NET can allocate.</exception>");
        w.Open($"public static global::Simd.Tape<{e}> CreateTape(int maxSteps, int maxBatch)");
        w.Line("global::Simd.Guard.Count(maxSteps, int.MaxValue, nameof(maxSteps));");
        w.Line("global::Simd.Guard.Count(maxBatch, int.MaxValue, nameof(maxBatch));");
        w.Line($"return new global::Simd.Tape<{e}>(SimdTapeLayout, maxSteps, maxBatch, SimdTapeLength(maxSteps, maxBatch));");
        w.Close();
        w.Line();
        var regions = new[]
        {
            ("xs", $"t * b * {I(l.I)}"), ("hs", $"(t + 1) * b * {I(l.H)}"), ("gates", $"t * b * {I(4 * l.H)}"),
            ("dax", $"t * b * {I(l.G)}"), ("dah", $"t * b * {I(l.G)}"), ("wih", I((long)l.G * l.I)), ("whh", I((long)l.G * l.H)),
            ("dh", $"b * {I(l.H)}"), ("dq", $"b * {I(l.H)}"),
        };
        w.Line("// Tape regions, in order: inputs x_t [T·B·I], hidden h_0..h_T [(T+1)·B·H], gates [r | z | n | g] [T·B·4H]");
        w.Line("// (g = W_hn h + b_hn, or r ⊙ h when the reset comes first), pre-activation gradients of the x-side and h-side");
        w.Line("// rows [T·B·3H each], PyTorch-layout weight_ih [3H·I] and weight_hh [3H·H] for the backward products, and the");
        w.Line("// running dL/dh and W_hnᵀ-product [B·H each]. Regions are sized for the maximum T and B; rows use the actual B.");
        w.Open("private static long SimdTapeLength(long t, long b)");
        w.Line($"return {string.Join(" + ", regions.Select(static r => $"({r.Item2})"))};");
        w.Close();
        w.Line();
        w.Open($"private static void SimdRegions(global::Simd.Tape<{e}> tape, {string.Join(", ", regions.Select(r => $"out {Span}<{e}> {r.Item1}"))})");
        w.Line("long t = tape.MaxSteps;");
        w.Line("long b = tape.MaxBatch;");
        w.Line($"{Span}<{e}> storage = tape.Storage;");
        w.Line("int at = 0;");
        foreach (var (name, length) in regions)
        {
            w.Line($"{name} = storage.Slice(at, (int)({length}));");
            w.Line($"at += {name}.Length;");
        }

        w.Close();
        w.Line();

        CellApi.OpenHiddenStateForward(w, e, _spec.TypeName.Replace("@", string.Empty));
        w.Line($"ref {e} w = ref SimdWeights;");
        w.Open("if (tape is null)");
        w.Open("for (int t = 0; t < steps; t++)");
        Dispatch(w, "StepBatch", $"ref w, ref {Marshal}.GetReference(inputs.Slice(t * batch * InputSize)), ref {Marshal}.GetReference(hidden), batch");
        w.Line("hidden.CopyTo(outputs.Slice(t * batch * HiddenSize));");
        w.Close();
        w.Line("return;");
        w.Close();
        w.Line("SimdRegions(tape, out var xs, out var hs, out var gates, out _, out _, out _, out _, out _, out _);");
        w.Line("inputs.CopyTo(xs);");
        w.Line("hidden.CopyTo(hs);");
        Dispatch(w, "ForwardTape", $"ref w, ref {Marshal}.GetReference(xs), ref {Marshal}.GetReference(hs), ref {Marshal}.GetReference(gates), steps, batch");
        w.Line("hs.Slice(batch * HiddenSize, steps * batch * HiddenSize).CopyTo(outputs);");
        w.Line("hs.Slice(steps * batch * HiddenSize, batch * HiddenSize).CopyTo(hidden);");
        w.Line("tape.MarkRecorded(steps, batch);");
        w.Close();
        w.Line();

        // Backward.
        w.Line("/// <summary>");
        w.Line("/// Backpropagates through the steps recorded on <paramref name=\"tape\"/> by the last <see cref=\"Forward\"/>, using this cell's");
        w.Line("/// current parameters. Parameter gradients are added to <paramref name=\"parameterGradients\"/> (same layout as");
        w.Line("/// <see cref=\"Parameters\"/>); input and initial-state gradients are overwritten.");
        w.Line("/// </summary>");
        w.Line("/// <param name=\"tape\">The tape the forward pass recorded on.</param>");
        w.Line("/// <param name=\"outputGradients\">dL/dh_t for t = 1..T, [T, B, H].</param>");
        w.Line("/// <param name=\"finalHiddenGradient\">Extra dL/dh_T, [B, H] (added to the last step's output gradient).</param>");
        w.Line("/// <param name=\"inputGradients\">dL/dx_t, [T, B, I].</param>");
        w.Line("/// <param name=\"initialHiddenGradient\">dL/dh_0, [B, H].</param>");
        w.Line("/// <param name=\"parameterGradients\">Accumulates dL/dθ, <see cref=\"ParameterCount\"/> long.</param>");
        w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length, or the tape holds no forward pass of this cell; nothing is written.</exception>");
        w.Open($"public void Backward(global::Simd.Tape<{e}> tape, {ReadOnlySpan}<{e}> outputGradients, {ReadOnlySpan}<{e}> finalHiddenGradient, {Span}<{e}> inputGradients, {Span}<{e}> initialHiddenGradient, {Span}<{e}> parameterGradients)");
        w.Line("global::Simd.Guard.NotNull(tape, nameof(tape));");
        w.Line("tape.CheckLayout(SimdTapeLayout, nameof(tape));");
        w.Line("tape.CheckRecorded(nameof(tape));");
        w.Line("int steps = tape.RecordedSteps;");
        w.Line("int batch = tape.RecordedBatch;");
        w.Line("global::Simd.Guard.Length(outputGradients.Length, (long)steps * batch * HiddenSize, nameof(outputGradients), \"steps × batch × HiddenSize = {0} × {1} × {2}\", steps, batch, HiddenSize);");
        w.Line("global::Simd.Guard.Length(finalHiddenGradient.Length, (long)batch * HiddenSize, nameof(finalHiddenGradient), \"batch × HiddenSize = {0} × {1}\", batch, HiddenSize);");
        w.Line("global::Simd.Guard.Length(inputGradients.Length, (long)steps * batch * InputSize, nameof(inputGradients), \"steps × batch × InputSize = {0} × {1} × {2}\", steps, batch, InputSize);");
        w.Line("global::Simd.Guard.Length(initialHiddenGradient.Length, (long)batch * HiddenSize, nameof(initialHiddenGradient), \"batch × HiddenSize = {0} × {1}\", batch, HiddenSize);");
        w.Line("global::Simd.Guard.Length(parameterGradients.Length, ParameterCount, nameof(parameterGradients), \"ParameterCount\");");
        w.Line("SimdRegions(tape, out var xs, out var hs, out var gates, out var dax, out var dah, out var wih, out var whh, out var dh, out var dq);");
        w.Line("SimdCopyWeights(Parameters, wih, whh);");
        w.Line("finalHiddenGradient.CopyTo(dh);");
        Dispatch(w, "Backward", $"ref {Marshal}.GetReference(wih), ref {Marshal}.GetReference(whh), ref {Marshal}.GetReference(xs), ref {Marshal}.GetReference(hs), ref {Marshal}.GetReference(gates), ref {Marshal}.GetReference(dax), ref {Marshal}.GetReference(dah), ref {Marshal}.GetReference(dh), ref {Marshal}.GetReference(dq), ref {Marshal}.GetReference(outputGradients), ref {Marshal}.GetReference(inputGradients), ref {Marshal}.GetReference(parameterGradients), steps, batch");
        w.Line("dh.Slice(0, batch * HiddenSize).CopyTo(initialHiddenGradient);");
        w.Line("// Each bias gets Σ over steps and samples of its side's gate gradients, summed in PyTorch row order into the");
        w.Line("// weight copy, which this pass no longer needs, then added at the rows' places in the panel layout.");
        w.Line($"{Span}<{e}> biasSums = wih.Slice(0, {I(l.G)});");
        w.Open("for (int side = 0; side < 2; side++)");
        w.Line("biasSums.Clear();");
        w.Line($"global::Simd.Kernels.RowSums.AddTo((side == 0 ? dax : dah).Slice(0, steps * batch * {I(l.G)}), {I(l.G)}, biasSums);");
        w.Open($"for (int row = 0; row < {I(l.G)}; row++)");
        w.Line("parameterGradients[side == 0 ? BiasIhIndex(row) : BiasHhIndex(row)] += biasSums[row];");
        w.Close();
        w.Close();
        w.Close();
    }

    private static void EmitLayoutChecks(SourceWriter w)
    {
        w.Line("global::Simd.Guard.Length(weightIh.Length, 3L * HiddenSize * InputSize, nameof(weightIh), \"3·HiddenSize × InputSize = {0} × {1}\", 3 * HiddenSize, InputSize);");
        w.Line("global::Simd.Guard.Length(weightHh.Length, 3L * HiddenSize * HiddenSize, nameof(weightHh), \"3·HiddenSize × HiddenSize = {0} × {1}\", 3 * HiddenSize, HiddenSize);");
        w.Line("global::Simd.Guard.Length(biasIh.Length, 3 * HiddenSize, nameof(biasIh), \"3·HiddenSize\");");
        w.Line("global::Simd.Guard.Length(biasHh.Length, 3 * HiddenSize, nameof(biasHh), \"3·HiddenSize\");");
    }
}

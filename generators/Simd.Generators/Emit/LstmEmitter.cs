using System;
using System.Collections.Generic;
using System.Linq;
using Simd.Generators.Model;

namespace Simd.Generators.Emit;

/// <summary>Writes the generated half of an <c>[LstmCell]</c> class.</summary>
internal sealed class LstmEmitter : CellEmitterBase
{
    private readonly LstmLayout _l;

    private LstmEmitter(CellSpec spec)
        : base(spec)
    {
        _l = new LstmLayout(spec.InputSize, spec.HiddenSize, _v.ElementBytes, spec.ProjectionSize);
    }

    public static string Emit(CellSpec spec) => new LstmEmitter(spec).Write();

    protected override string KernelClass => "SimdLstmKernels";

    private string Write()
    {
        foreach (var isa in Isa.All)
        {
            EmitForwardKernels(isa);
            EmitBackwardKernels(isa);
        }

        return CellApi.WriteFile(_spec, _v, _l.Projected ? $"global::Simd.IProjectedLstmCell<{_e}>" : $"global::Simd.ILstmCell<{_e}>", EmitPublicApi, _l.Projected ? EmitProjectedExplicitMembers : null, KernelClass, _tiles.Methods + _k);
    }

    // ---------------------------------------------------------------- column tiles

    private List<(int Offset, List<int> Chunks, int Repeat, int Stride)> ColumnTiles(Isa isa, int width) => KernelLoops.ColumnTiles(isa, _v, width);

    /// <summary>
    /// Where the chunks of a tile starting at <paramref name="column"/> of a row <paramref name="rowWidth"/> wide are
    /// stored in the interleaved bfloat16 layout (see <c>Simd.Kernels.BFloat16</c>), relative to the returned start.
    /// </summary>
    private static (List<BFloat16Chunk> Chunks, int Start) BFloat16Chunks(List<int> chunks, int column, int rowWidth)
    {
        var blocked = rowWidth / 32 * 32;
        int Place(int at) => at >= blocked ? at : (at & ~31) + (2 * (at & 15));
        var start = column >= blocked ? column : column & ~31;
        var result = new List<BFloat16Chunk>();
        var at = column;
        foreach (var width in chunks)
        {
            var mode = at >= blocked ? 'P' : (at & 31) < 16 ? 'E' : 'O';
            result.Add(new BFloat16Chunk(Place(at) - start, mode));
            at += width;
        }

        return (result, start);
    }

    private static void ForEachColumnTile(SourceWriter w, List<(int Offset, List<int> Chunks, int Repeat, int Stride)> tiles, Action<List<int>, string> call) =>
        KernelLoops.ForEachColumnTile(w, tiles, call);

    private static void GroupLoop(SourceWriter w, int rowsPerTile, string count, Action<int, string> body, string counter = "s0") =>
        KernelLoops.GroupLoop(w, rowsPerTile, count, body, counter);

    // ---------------------------------------------------------------- elementwise bodies

    private void Elementwise(SourceWriter w, Isa isa, int length, Action<int, string> body) => KernelLoops.Elementwise(w, isa, _v, length, body);

    private string ActName(Isa isa, int units, bool record) => $"Act{isa.Name}U{units}{(record ? "Rec" : string.Empty)}";

    private void EmitAct(Isa isa, int units, bool record)
    {
        var w = _k;
        var e = _e;
        w.Line(Opt);
        w.Open($"private static void {ActName(isa, units, record)}(ref {e} pre, ref {e} cPrev, ref {e} cOut, ref {e} hOut{(record ? $", ref {e} gates, ref {e} tanhC" : string.Empty)})");
        Elementwise(w, isa, units, (width, j) =>
        {
            string Off(int gate) => gate == 0 ? j : $"{I(gate * units)} + {j}";
            w.Line($"var gi = {Math}.Sigmoid({_v.Load(width, "pre", Off(0))});");
            w.Line($"var gf = {Math}.Sigmoid({_v.Load(width, "pre", Off(1))});");
            w.Line($"var gg = {Math}.Tanh({_v.Load(width, "pre", Off(2))});");
            w.Line($"var go = {Math}.Sigmoid({_v.Load(width, "pre", Off(3))});");
            w.Line($"var cn = {Math}.MulAdd(gf, {_v.Load(width, "cPrev", j)}, gi * gg);");
            w.Line($"var tc = {Math}.Tanh(cn);");
            w.Line(_v.Store(width, "cn", "cOut", j));
            w.Line(_v.Store(width, "go * tc", "hOut", j));
            if (record)
            {
                w.Line(_v.Store(width, "gi", "gates", Off(0)));
                w.Line(_v.Store(width, "gf", "gates", Off(1)));
                w.Line(_v.Store(width, "gg", "gates", Off(2)));
                w.Line(_v.Store(width, "go", "gates", Off(3)));
                w.Line(_v.Store(width, "tc", "tanhC", j));
            }
        });
        w.Close();
        w.Line();
    }

    private string ActBackName(Isa isa, int units) => $"ActBack{isa.Name}U{units}";

    private void EmitActBack(Isa isa, int units)
    {
        var w = _k;
        var e = _e;
        w.Line(Opt);
        // With a projection, dL/d(o ⊙ tanh c) arrives whole in dr (already W_hrᵀ·dL/dh); otherwise it is dOut + dh.
        var gradientIn = _l.Projected ? $"ref {e} dr" : $"ref {e} dOut, ref {e} dh";
        w.Open($"private static void {ActBackName(isa, units)}(ref {e} gates, ref {e} tanhC, ref {e} cPrev, {gradientIn}, ref {e} dc, ref {e} da)");
        Elementwise(w, isa, units, (width, j) =>
        {
            string Off(int gate) => gate == 0 ? j : $"{I(gate * units)} + {j}";
            w.Line($"var one = {_v.Constant(width, "1")};");
            w.Line($"var gi = {_v.Load(width, "gates", Off(0))};");
            w.Line($"var gf = {_v.Load(width, "gates", Off(1))};");
            w.Line($"var gg = {_v.Load(width, "gates", Off(2))};");
            w.Line($"var go = {_v.Load(width, "gates", Off(3))};");
            w.Line($"var tc = {_v.Load(width, "tanhC", j)};");
            w.Line(_l.Projected ? $"var dhv = {_v.Load(width, "dr", j)};" : $"var dhv = {_v.Load(width, "dOut", j)} + {_v.Load(width, "dh", j)};");
            w.Line($"var dcv = {Math}.MulAdd(dhv * go, one - (tc * tc), {_v.Load(width, "dc", j)});");
            w.Line(_v.Store(width, "dcv * gg * gi * (one - gi)", "da", Off(0)));
            w.Line(_v.Store(width, $"dcv * {_v.Load(width, "cPrev", j)} * gf * (one - gf)", "da", Off(1)));
            w.Line(_v.Store(width, "dcv * gi * (one - (gg * gg))", "da", Off(2)));
            w.Line(_v.Store(width, "dhv * tc * go * (one - go)", "da", Off(3)));
            w.Line(_v.Store(width, "dcv * gf", "dc", j));
        });
        w.Close();
        w.Line();
    }

    // ---------------------------------------------------------------- forward kernels

    private static string GroupName(Isa isa, int rows, bool record, bool half = false) =>
        $"Forward{isa.Name}N{rows}{(record ? "Rec" : string.Empty)}{(half ? "B" : string.Empty)}";

    private void EmitForwardKernels(Isa isa)
    {
        var l = _l;
        var e = _e;
        var unitSizes = l.PanelUnits().ToList();
        foreach (var units in unitSizes)
        {
            EmitAct(isa, units, record: false);
            EmitAct(isa, units, record: true);
        }

        for (var rows = 1; rows <= RowsPerTile(isa); rows++)
        {
            foreach (var (record, half) in _spec.BFloat16Inference ? new[] { (false, false), (true, false), (false, true) } : new[] { (false, false), (true, false) })
            {
                var w = _k;
                w.Line(Opt);
                w.Open($"private static void {GroupName(isa, rows, record, half)}(ref {e} w, {(half ? "ref ushort wq, " : string.Empty)}ref {e} x, ref {e} hPrev, ref {e} cPrev, ref {e} cOut, ref {e} hOut{(record ? $", ref {e} gates, ref {e} tanhC" : string.Empty)}{(record && l.Projected ? $", ref {e} r" : string.Empty)})");
                if (l.Projected && !record)
                {
                    w.Line("// o ⊙ tanh(c) of the group's samples, projected into h once every panel is done.");
                    w.Line($"{Span}<{e}> rBuffer = stackalloc {e}[{I(rows * l.H)}];");
                    w.Line($"ref {e} r = ref {Marshal}.GetReference(rBuffer);");
                }

                if (!Fused(isa) || l.TailUnits > 0)
                {
                    w.Line($"{Span}<{e}> scratch = stackalloc {e}[{I(rows * l.PanelWidth)}];");
                    w.Line($"ref {e} scr = ref {Marshal}.GetReference(scratch);");
                }

                EmitPanel(w, isa, rows, record, half, l.UnitsPerPanel, full: true);
                if (l.TailUnits > 0)
                {
                    EmitPanel(w, isa, rows, record, half, l.TailUnits, full: false);
                }

                if (l.Projected)
                {
                    w.Line($"{ProjectName(isa, rows)}(ref w, ref r, ref hOut);");
                }

                w.Close();
                w.Line();
            }
        }

        if (l.Projected)
        {
            EmitProjectKernels(isa);
        }

        EmitStepBatchCore(isa, half: false);
        if (_spec.BFloat16Inference)
        {
            EmitStepBatchCore(isa, half: true);
        }

        EmitForwardTapeCore(isa);
    }

    /// <summary>
    /// Whether full panels finish the cell update inside the tile: on the Vector512 path one tile of four vectors is
    /// exactly a panel's four gates; narrower paths split a panel over several tiles and go through scratch.
    /// </summary>
    private static bool Fused(Isa isa) => isa.Bytes == 64;

    private void EmitPanel(SourceWriter w, Isa isa, int rows, bool record, bool half, int units, bool full)
    {
        var l = _l;
        var width = 4 * units;
        var segments = new[]
        {
            new Segment(l.I, 1, width, l.I),
            new Segment(l.O, 1, width, l.O),
        };
        var cellOut = CellOutput;
        var tiles = ColumnTiles(isa, width);
        if (!OpenPanels(w, full, declareUnits: true))
        {
            return;
        }

        if (full && Fused(isa))
        {
            // One tile holds a whole panel's i, f, g, o gates: finish the cell update in registers, no scratch.
            var epilogue = new LstmEpilogue(l.H, l.G, record);
            var chunks = tiles[0].Chunks;
            var (bfloat16, start) = half ? BFloat16Chunks(chunks, 0, width) : (null, 0);
            var name = _tiles.Get(isa, chunks, rows, segments, TileInit.Bias, width, bfloat16, epilogue);
            var weights = half ? "wq" : "w";
            var state = $"{At("cPrev", "uOff")}, {At("cOut", "uOff")}, {At(cellOut, "uOff")}" + (record ? $", {At("gates", "gOff")}, {At("tanhC", "uOff")}" : string.Empty);
            w.Line($"{name}({state}, {At(weights, $"wOff + {I(start)}")}, ref x, {At(weights, $"wOff + {I(((long)l.I * width) + start)}")}, ref hPrev, {At("w", $"{I(l.BiasIhOffset)} + gOff")}, {At("w", $"{I(l.BiasHhOffset)} + gOff")});");
            w.Close();
            return;
        }

        if (half)
        {
            // bfloat16 rows are interleaved in blocks of 32, so each tile's load pattern depends on where it starts:
            // tiles are emitted at fixed columns rather than in a loop.
            foreach (var (offset, chunks, repeat, stride) in tiles)
            {
                for (var r = 0; r < repeat; r++)
                {
                    var col = offset + (r * stride);
                    var (bfloat16, start) = BFloat16Chunks(chunks, col, width);
                    var name = _tiles.Get(isa, chunks, rows, segments, TileInit.Bias, width, bfloat16);
                    w.Line($"{name}({At("scr", I(col))}, {At("wq", $"wOff + {I(start)}")}, ref x, {At("wq", $"wOff + {I(((long)l.I * width) + start)}")}, ref hPrev, {At("w", $"{I(l.BiasIhOffset)} + gOff + {I(col)}")}, {At("w", $"{I(l.BiasHhOffset)} + gOff + {I(col)}")});");
                }
            }
        }
        else
        {
            ForEachColumnTile(w, tiles, (chunks, col) =>
            {
                var name = _tiles.Get(isa, chunks, rows, segments, TileInit.Bias, width);
                w.Line($"{name}({At("scr", col)}, {At("w", $"wOff + {col}")}, ref x, {At("w", $"wOff + {I((long)l.I * width)} + {col}")}, ref hPrev, {At("w", $"{I(l.BiasIhOffset)} + gOff + {col}")}, {At("w", $"{I(l.BiasHhOffset)} + gOff + {col}")});");
            });
        }
        for (var s = 0; s < rows; s++)
        {
            var st = s == 0 ? "uOff" : $"{I(s * l.H)} + uOff";
            var args = $"{At("scr", I(s * width))}, {At("cPrev", st)}, {At("cOut", st)}, {At(cellOut, st)}";
            if (record)
            {
                args += $", {At("gates", s == 0 ? "gOff" : $"{I(s * l.G)} + gOff")}, {At("tanhC", st)}";
            }

            w.Line($"{ActName(isa, units, record)}({args});");
        }

        w.Close();
    }

    /// <summary>
    /// Where the cell update writes o ⊙ tanh(c): straight into h, or, with a projection, into <c>r</c> (H per sample),
    /// which the projection then maps to h.
    /// </summary>
    private string CellOutput => _l.Projected ? "r" : "hOut";

    private static string ProjectName(Isa isa, int rows) => $"Project{isa.Name}N{rows}";

    /// <summary>h = W_hr r for a group of samples: r is [rows, H], h is [rows, P]; reads W_hrᵀ, H × P after the biases.</summary>
    private void EmitProjectKernels(Isa isa)
    {
        var l = _l;
        var e = _e;
        var segments = new[] { new Segment(l.H, 1, l.P, l.H) };
        var tiles = ColumnTiles(isa, l.P);
        for (var rows = 1; rows <= RowsPerTile(isa); rows++)
        {
            var w = _k;
            w.Line(Opt);
            w.Open($"private static void {ProjectName(isa, rows)}(ref {e} w, ref {e} r, ref {e} h)");
            ForEachColumnTile(w, tiles, (chunks, col) =>
            {
                var name = _tiles.Get(isa, chunks, rows, segments, TileInit.Zero, l.P);
                w.Line($"{name}({At("h", col)}, {At("w", $"{I(l.ProjectionOffset)} + {col}")}, ref r);");
            });
            w.Close();
            w.Line();
        }
    }

    /// <summary>
    /// Opens the loop over the full panels (or the block of the narrower tail panel) and declares the panel's offsets:
    /// <c>wOff</c> into the weights, <c>gOff</c> into gate rows and, if asked, <c>uOff</c> into hidden units.
    /// Returns false, emitting nothing, when there is no such panel.
    /// </summary>
    private bool OpenPanels(SourceWriter w, bool full, bool declareUnits)
    {
        var l = _l;
        if (full ? l.FullPanels == 0 : l.TailUnits == 0)
        {
            return false;
        }

        var panel = full ? "p" : I(l.FullPanels);
        w.Open(full ? $"for (int p = 0; p < {I(l.FullPanels)}; p++)" : string.Empty);
        w.Line($"int wOff = {panel} * {I((long)l.K * l.PanelWidth)};");
        w.Line($"int gOff = {panel} * {I(l.PanelWidth)};");
        if (declareUnits)
        {
            w.Line($"int uOff = {panel} * {I(l.UnitsPerPanel)};");
        }

        return true;
    }

    private void EmitStepBatchCore(Isa isa, bool half)
    {
        var l = _l;
        var e = _e;
        var w = _k;
        var nb = RowsPerTile(isa);
        w.Line(Opt);
        w.Open($"public static void StepBatch{(half ? "B" : string.Empty)}{isa.Name}(ref {e} w, {(half ? "ref ushort wq, " : string.Empty)}ref {e} x, ref {e} h, ref {e} c, int batch)");
        if (l.Projected)
        {
            // h is written only by the projection, after every panel has read it, so the group updates it in place.
            GroupLoop(w, nb, "batch", (rows, s0) =>
                w.Line($"{GroupName(isa, rows, false, half)}(ref w, {(half ? "ref wq, " : string.Empty)}{At("x", $"{s0} * {I(l.I)}")}, {At("h", $"{s0} * {I(l.O)}")}, {At("c", $"{s0} * {I(l.H)}")}, {At("c", $"{s0} * {I(l.H)}")}, {At("h", $"{s0} * {I(l.O)}")});"));
        }
        else
        {
            w.Line("// The new state overwrites the old in place, so each group's previous hidden state is copied first.");
            w.Line("// Sized for the batch when it is smaller than a tile group: stackalloc zeroes what it takes, and a");
            w.Line("// single-sample step should not pay for clearing four samples' worth.");
            w.Line($"{Span}<{e}> hPrev = stackalloc {e}[(batch < {I(nb)} ? batch : {I(nb)}) * {I(l.O)}];");
            w.Line($"ref {e} hp = ref {Marshal}.GetReference(hPrev);");
            GroupLoop(w, nb, "batch", (rows, s0) =>
            {
                w.Line($"{Marshal}.CreateReadOnlySpan(ref {Unsafe}.Add(ref h, {s0} * {I(l.O)}), {I(rows * l.O)}).CopyTo(hPrev);");
                w.Line($"{GroupName(isa, rows, false, half)}(ref w, {(half ? "ref wq, " : string.Empty)}{At("x", $"{s0} * {I(l.I)}")}, ref hp, {At("c", $"{s0} * {I(l.H)}")}, {At("c", $"{s0} * {I(l.H)}")}, {At("h", $"{s0} * {I(l.O)}")});");
            });
        }

        w.Close();
        w.Line();
    }

    private void EmitForwardTapeCore(Isa isa)
    {
        var l = _l;
        var e = _e;
        var w = _k;
        w.Line(Opt);
        w.Open($"public static void ForwardTape{isa.Name}(ref {e} w, ref {e} xs, ref {e} hs, ref {e} cs, ref {e} gates, ref {e} tanhC, {(l.Projected ? $"ref {e} rs, " : string.Empty)}int steps, int batch)");
        w.Open("for (int t = 0; t < steps; t++)");
        w.Line("int row = t * batch;");
        GroupLoop(w, RowsPerTile(isa), "batch", (rows, s0) =>
        {
            var r = $"(row + {s0})";
            var next = $"(row + batch + {s0})";
            var rs = l.Projected ? $", {At("rs", $"{r} * {I(l.H)}")}" : string.Empty;
            w.Line($"{GroupName(isa, rows, true)}(ref w, {At("xs", $"{r} * {I(l.I)}")}, {At("hs", $"{r} * {I(l.O)}")}, {At("cs", $"{r} * {I(l.H)}")}, {At("cs", $"{next} * {I(l.H)}")}, {At("hs", $"{next} * {I(l.O)}")}, {At("gates", $"{r} * {I(l.G)}")}, {At("tanhC", $"{r} * {I(l.H)}")}{rs});");
        });
        w.Close();
        w.Close();
        w.Line();
    }

    // ---------------------------------------------------------------- backward kernels

    /// <summary>Column panels of the transposed weights: (first column, width, offset) for the input part then the state part.</summary>
    private List<(int Column, int Width, long Offset, bool Hidden)> TransposedPanels()
    {
        var l = _l;
        var panels = new List<(int, int, long, bool)>();
        long offset = 0;
        foreach (var (start, length, hidden) in new[] { (0, l.I, false), (l.I, l.O, true) })
        {
            for (var c = 0; c < length; c += l.PanelWidth)
            {
                var width = System.Math.Min(l.PanelWidth, length - c);
                panels.Add((start + c, width, offset, hidden));
                offset += (long)width * l.G;
            }
        }

        return panels;
    }

    private void EmitBackwardKernels(Isa isa)
    {
        var l = _l;
        var e = _e;
        foreach (var units in l.PanelUnits())
        {
            EmitActBack(isa, units);
        }

        // Input and state gradients: [dx | dh] = da · W, read from the transposed weights.
        var panels = TransposedPanels();
        for (var rows = 1; rows <= RowsPerTile(isa); rows++)
        {
            var w = _k;
            w.Line(Opt);
            w.Open($"private static void Dz{isa.Name}N{rows}(ref {e} wt, ref {e} da, ref {e} dx, ref {e} dh)");
            foreach (var group in panels.GroupBy(p => (p.Width, p.Hidden)))
            {
                var (width, hidden) = group.Key;
                var first = group.First();
                var count = group.Count();
                var dstStride = hidden ? l.O : l.I;
                var dst = hidden ? "dh" : "dx";
                var segments = new[] { new Segment(l.G, 1, width, l.G) };
                var tiles = ColumnTiles(isa, width);
                w.Open(count > 1 ? $"for (int q = 0; q < {I(count)}; q++)" : string.Empty);
                w.Line($"int col = {I(first.Column - (hidden ? l.I : 0))}{(count > 1 ? $" + q * {I(l.PanelWidth)}" : string.Empty)};");
                w.Line($"int off = {I(first.Offset)}{(count > 1 ? $" + q * {I((long)l.PanelWidth * l.G)}" : string.Empty)};");
                ForEachColumnTile(w, tiles, (chunks, colOff) =>
                {
                    var name = _tiles.Get(isa, chunks, rows, segments, TileInit.Zero, dstStride);
                    w.Line($"{name}({At(dst, $"col + {colOff}")}, {At("wt", $"off + {colOff}")}, ref da);");
                });
                w.Close();
            }

            w.Close();
            w.Line();
        }

        EmitDw(isa);
        if (l.Projected)
        {
            EmitProjectionBackwardKernels(isa);
        }

        EmitBackwardCore(isa);
    }

    private void EmitDw(Isa isa)
    {
        var l = _l;
        var e = _e;
        var w = _k;
        var nr = RowsPerTile(isa);
        w.Line(Opt);
        w.Open($"private static void Dw{isa.Name}(ref {e} grad, ref {e} xs, ref {e} hs, ref {e} da, int count)");
        foreach (var full in new[] { true, false })
        {
            var units = full ? l.UnitsPerPanel : l.TailUnits;
            if (units == 0 || (full && l.FullPanels == 0))
            {
                continue;
            }

            var width = 4 * units;
            var tiles = ColumnTiles(isa, width);
            OpenPanels(w, full, declareUnits: false);
            foreach (var (source, length, first) in new[] { ("xs", l.I, 0), ("hs", l.O, l.I) })
            {
                ForEachColumnTile(w, tiles, (chunks, col) =>
                {
                    void Call(int rows, string k0)
                    {
                        var segments = new[] { new Segment(1, length, l.G, -1) };
                        var name = _tiles.Get(isa, chunks, rows, segments, TileInit.Accumulate, width);
                        w.Line($"{name}({At("grad", $"wOff + ({I(first)} + {k0}) * {I(width)} + {col}")}, {At("da", $"gOff + {col}")}, {At(source, k0)}, count);");
                    }

                    KernelLoops.RowBlocks(w, length, nr, Call);
                });
            }

            w.Close();
        }

        w.Close();
        w.Line();
    }

    /// <summary>
    /// The projection's backward kernels: <c>SumP</c> forms dL/dh_t = dOut_t + (the recurrent gradient) and keeps it
    /// for the weight gradient; <c>Dr</c> maps it through W_hr (read as [P, H] from the transposed weights) to
    /// dL/dr; <c>DwP</c> adds Σ r ⊗ dL/dh to W_hrᵀ's gradient over all recorded rows at once.
    /// </summary>
    private void EmitProjectionBackwardKernels(Isa isa)
    {
        var l = _l;
        var e = _e;
        var w = _k;
        w.Line(Opt);
        w.Open($"private static void SumP{isa.Name}(ref {e} a, ref {e} b, ref {e} sum)");
        Elementwise(w, isa, l.P, (width, j) => w.Line(_v.Store(width, $"{_v.Load(width, "a", j)} + {_v.Load(width, "b", j)}", "sum", j)));
        w.Close();
        w.Line();

        var drSegments = new[] { new Segment(l.P, 1, l.H, l.P) };
        var drTiles = ColumnTiles(isa, l.H);
        for (var rows = 1; rows <= RowsPerTile(isa); rows++)
        {
            w.Line(Opt);
            w.Open($"private static void Dr{isa.Name}N{rows}(ref {e} whr, ref {e} dh, ref {e} dr)");
            ForEachColumnTile(w, drTiles, (chunks, col) =>
            {
                var name = _tiles.Get(isa, chunks, rows, drSegments, TileInit.Zero, l.H);
                w.Line($"{name}({At("dr", col)}, {At("whr", col)}, ref dh);");
            });
            w.Close();
            w.Line();
        }

        var nr = RowsPerTile(isa);
        var tiles = ColumnTiles(isa, l.P);
        w.Line(Opt);
        w.Open($"private static void DwP{isa.Name}(ref {e} grad, ref {e} rs, ref {e} dhs, int count)");
        ForEachColumnTile(w, tiles, (chunks, col) =>
        {
            void Call(int rows, string j0)
            {
                var segments = new[] { new Segment(1, l.H, l.P, -1) };
                var name = _tiles.Get(isa, chunks, rows, segments, TileInit.Accumulate, l.P);
                w.Line($"{name}({At("grad", $"{I(l.ProjectionOffset)} + ({j0} * {I(l.P)}) + {col}")}, {At("dhs", col)}, {At("rs", j0)}, count);");
            }

            var mainRows = l.H / nr * nr;
            if (mainRows > 0)
            {
                w.Open($"for (int j0 = 0; j0 < {I(mainRows)}; j0 += {I(nr)})");
                Call(nr, "j0");
                w.Close();
            }

            if (l.H % nr > 0)
            {
                Call(l.H % nr, I(mainRows));
            }
        });
        w.Close();
        w.Line();
    }

    private void EmitBackwardCore(Isa isa)
    {
        var l = _l;
        var e = _e;
        var w = _k;
        w.Line(Opt);
        var projection = l.Projected ? $"ref {e} rs, ref {e} dhs, ref {e} dr, " : string.Empty;
        w.Open($"public static void Backward{isa.Name}(ref {e} wt, ref {e} xs, ref {e} hs, ref {e} cs, ref {e} gates, ref {e} tanhC, ref {e} da, ref {e} dh, ref {e} dc, ref {e} dOut, ref {e} dx, ref {e} grad, {projection}int steps, int batch)");
        w.Open("for (int t = steps - 1; t >= 0; t--)");
        if (l.Projected)
        {
            w.Line("int firstRow = t * batch;");
            w.Open("for (int s = 0; s < batch; s++)");
            w.Line($"SumP{isa.Name}({At("dOut", $"(firstRow + s) * {I(l.P)}")}, {At("dh", $"s * {I(l.P)}")}, {At("dhs", $"(firstRow + s) * {I(l.P)}")});");
            w.Close();
            GroupLoop(w, RowsPerTile(isa), "batch", (rows, s0) =>
                w.Line($"Dr{isa.Name}N{rows}({At("wt", I((long)l.K * l.G))}, {At("dhs", $"(firstRow + {s0}) * {I(l.P)}")}, {At("dr", $"{s0} * {I(l.H)}")});"), counter: "p0");
        }

        w.Open("for (int s = 0; s < batch; s++)");
        w.Line("int row = (t * batch) + s;");
        // One call per panel: full panels in a loop, the narrower tail panel (if any) after it.
        foreach (var full in new[] { true, false })
        {
            var units = full ? l.UnitsPerPanel : l.TailUnits;
            if (units == 0 || (full && l.FullPanels == 0))
            {
                continue;
            }

            var panel = full ? "p" : I(l.FullPanels);
            w.Open(full ? $"for (int p = 0; p < {I(l.FullPanels)}; p++)" : string.Empty);
            w.Line($"int u = (row * {I(l.H)}) + ({panel} * {I(l.UnitsPerPanel)});");
            w.Line($"int su = (s * {I(l.H)}) + ({panel} * {I(l.UnitsPerPanel)});");
            w.Line($"int g = (row * {I(l.G)}) + ({panel} * {I(l.PanelWidth)});");
            var gradientIn = l.Projected ? At("dr", "su") : $"{At("dOut", "u")}, {At("dh", "su")}";
            w.Line($"{ActBackName(isa, units)}({At("gates", "g")}, {At("tanhC", "u")}, {At("cs", "u")}, {gradientIn}, {At("dc", "su")}, {At("da", "g")});");
            w.Close();
        }

        w.Close();
        w.Line("int stepRow = t * batch;");
        GroupLoop(w, RowsPerTile(isa), "batch", (rows, s0) =>
            w.Line($"Dz{isa.Name}N{rows}(ref wt, {At("da", $"(stepRow + {s0}) * {I(l.G)}")}, {At("dx", $"(stepRow + {s0}) * {I(l.I)}")}, {At("dh", $"{s0} * {I(l.O)}")});"));
        w.Close();
        w.Line($"Dw{isa.Name}(ref grad, ref xs, ref hs, ref da, steps * batch);");
        if (l.Projected)
        {
            w.Line($"DwP{isa.Name}(ref grad, ref rs, ref dhs, steps * batch);");
        }

        w.Close();
        w.Line();
    }

    // ---------------------------------------------------------------- public API

    /// <summary>The step kernel family the inference paths call: float weights, or the bfloat16 copy.</summary>
    private string InferenceCore => _spec.BFloat16Inference ? "StepBatchB" : "StepBatch";

    private void EmitPublicApi(SourceWriter w)
    {
        var l = _l;
        var e = _e;
        var key = l.Projected ? $"Lstm:{I(l.I)}x{I(l.H)}p{I(l.P)}:{e}" : $"Lstm:{I(l.I)}x{I(l.H)}:{e}";
        w.Line($"/// <summary>Length of each input vector x_t.</summary>");
        w.Line($"public const int InputSize = {I(l.I)};");
        if (l.Projected)
        {
            w.Line("/// <summary>PyTorch's <c>hidden_size</c> H: length of the cell state c and of each gate; h is projected to <see cref=\"OutputSize\"/>.</summary>");
            w.Line($"public const int HiddenSize = {I(l.H)};");
            w.Line("/// <summary>PyTorch's <c>proj_size</c> P: h = W_hr (o ⊙ tanh c) with W_hr of shape [P, H].</summary>");
            w.Line($"public const int ProjectionSize = {I(l.P)};");
            w.Line("/// <summary>Length of the hidden state h and of each output: <see cref=\"ProjectionSize\"/>.</summary>");
            w.Line("public const int OutputSize = ProjectionSize;");
            w.Line($"/// <summary>Number of parameters: 4H·I + 4H·P weights, two 4H biases and the P × H projection, as in PyTorch's <c>nn.LSTM(proj_size=P)</c>.</summary>");
        }
        else
        {
            w.Line($"/// <summary>Length of the hidden state h and cell state c.</summary>");
            w.Line($"public const int HiddenSize = {I(l.H)};");
            w.Line($"/// <summary>Number of parameters: 4H·I + 4H·H weights and two 4H biases, as in PyTorch's <c>nn.LSTM</c>.</summary>");
        }

        w.Line($"public const int ParameterCount = {I(l.ParameterCount)};");
        w.Line();
        w.Line($"private const int SimdUnitsPerPanel = {I(l.UnitsPerPanel)};");
        w.Line($"private const int SimdFullPanels = {I(l.FullPanels)};");
        w.Line($"private const int SimdTailUnits = {I(l.TailUnits)};");
        w.Line($"private const string SimdTapeLayout = \"{key}\";");
        CellApi.EmitStorage(w, e, _spec.TypeName, _spec.SharedStorage);
        if (_spec.BFloat16Inference)
        {
            w.Line($"private readonly ushort[] _simdInferenceWeights = new ushort[{I((long)l.G * l.K)}];");
        }
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// The parameters in Simd's panel layout (see the README): the hidden units are grouped in panels of");
        w.Line(Hd($"/// {I(l.UnitsPerPanel)}; for each panel and each input k = 0..I+H−1 a row holds the panel's i, f, g, o gate weights side by side,"));
        if (l.Projected)
        {
            w.Line("/// followed by bias_ih and bias_hh in the same panel order, then W_hrᵀ as an H × P row-major block (the recurrent");
            w.Line("/// inputs are the P elements of h). Use <see cref=\"ImportPyTorch\"/>, <see cref=\"ExportPyTorch\"/>,");
            w.Line("/// <see cref=\"WeightIndex\"/> and <see cref=\"ProjectionWeightIndex\"/> instead of relying on positions.");
        }
        else
        {
            w.Line("/// followed by bias_ih and bias_hh in the same panel order. Use <see cref=\"ImportPyTorch\"/>, <see cref=\"ExportPyTorch\"/>");
            w.Line("/// and <see cref=\"WeightIndex\"/> instead of relying on positions.");
        }
        w.Line("/// </summary>");
        w.Line($"public {Span}<{e}> Parameters => {CellApi.ParametersExpression(_spec.SharedStorage)};");
        w.Line();

        // Layout helpers.
        w.Line("/// <summary>Index in <see cref=\"Parameters\"/> of PyTorch's weight at gate row <paramref name=\"row\"/> (0..4H−1, gate order i, f, g, o)");
        w.Line(Hd("/// and column <paramref name=\"column\"/>: columns 0..I−1 are <c>weight_ih</c>, columns I..I+H−1 are <c>weight_hh</c>.</summary>"));
        w.Line("/// <param name=\"row\">Gate row in PyTorch order.</param><param name=\"column\">Input column; inputs first, then hidden state.</param>");
        w.Line("/// <returns>The index into the parameter layout.</returns>");
        w.Open("public static int WeightIndex(int row, int column)");
        w.Line("if ((uint)row >= 4 * HiddenSize) throw new global::System.ArgumentOutOfRangeException(nameof(row), row, \"row must be in [0, 4·HiddenSize).\");");
        w.Line(Hs("if ((uint)column >= InputSize + HiddenSize) throw new global::System.ArgumentOutOfRangeException(nameof(column), column, \"column must be in [0, InputSize + HiddenSize).\");"));
        w.Line("int first = SimdGateOffset(row, out int rowStride, out int panelWeights);");
        w.Line($"return panelWeights + (column * rowStride) + first;");
        w.Close();
        w.Line();
        w.Line("/// <summary>Index in <see cref=\"Parameters\"/> of PyTorch's <c>bias_ih[row]</c>.</summary><param name=\"row\">Gate row in PyTorch order.</param><returns>The index.</returns>");
        w.Line($"public static int BiasIhIndex(int row) => {I(l.BiasIhOffset)} + SimdGateIndex(row);");
        w.Line("/// <summary>Index in <see cref=\"Parameters\"/> of PyTorch's <c>bias_hh[row]</c>.</summary><param name=\"row\">Gate row in PyTorch order.</param><returns>The index.</returns>");
        w.Line($"public static int BiasHhIndex(int row) => {I(l.BiasHhOffset)} + SimdGateIndex(row);");
        if (l.Projected)
        {
            w.Line("/// <summary>Index in <see cref=\"Parameters\"/> of PyTorch's <c>weight_hr[row, column]</c> (W_hr is [ProjectionSize, HiddenSize]).</summary>");
            w.Line("/// <param name=\"row\">Output element, 0..ProjectionSize−1.</param><param name=\"column\">Cell unit, 0..HiddenSize−1.</param><returns>The index.</returns>");
            w.Open("public static int ProjectionWeightIndex(int row, int column)");
            w.Line("if ((uint)row >= ProjectionSize) throw new global::System.ArgumentOutOfRangeException(nameof(row), row, \"row must be in [0, ProjectionSize).\");");
            w.Line("if ((uint)column >= HiddenSize) throw new global::System.ArgumentOutOfRangeException(nameof(column), column, \"column must be in [0, HiddenSize).\");");
            w.Line($"return {I(l.ProjectionOffset)} + (column * ProjectionSize) + row;");
            w.Close();
        }

        w.Line();
        w.Open("private static int SimdGateIndex(int row)");
        w.Line("if ((uint)row >= 4 * HiddenSize) throw new global::System.ArgumentOutOfRangeException(nameof(row), row, \"row must be in [0, 4·HiddenSize).\");");
        w.Line("int unit = row % HiddenSize;");
        w.Line("int panel = unit / SimdUnitsPerPanel;");
        w.Line("int units = panel < SimdFullPanels ? SimdUnitsPerPanel : SimdTailUnits;");
        w.Line("return (panel * 4 * SimdUnitsPerPanel) + ((row / HiddenSize) * units) + (unit % SimdUnitsPerPanel);");
        w.Close();
        w.Line();
        w.Line("/// <summary>Offset of a gate row within its panel's weight row, the row stride of that panel, and where the panel's weights start.</summary>");
        w.Open("private static int SimdGateOffset(int row, out int rowStride, out int panelWeights)");
        w.Line("int unit = row % HiddenSize;");
        w.Line("int panel = unit / SimdUnitsPerPanel;");
        w.Line("int units = panel < SimdFullPanels ? SimdUnitsPerPanel : SimdTailUnits;");
        w.Line("rowStride = 4 * units;");
        w.Line($"panelWeights = panel * {I((long)l.K * l.PanelWidth)};");
        w.Line("return ((row / HiddenSize) * units) + (unit % SimdUnitsPerPanel);");
        w.Close();
        w.Line();

        // Import / export.
        var refresh = _spec.BFloat16Inference ? " RefreshInferenceWeights();" : string.Empty;
        if (l.Projected)
        {
            EmitProjectedImportExport(w, refresh);
        }
        else
        {
            w.Line("/// <summary>Converts PyTorch <c>nn.LSTM</c> tensors (gate order i, f, g, o) into Simd's parameter layout.</summary>");
            w.Line("/// <param name=\"weightIh\"><c>weight_ih</c>, [4H, I] row-major.</param><param name=\"weightHh\"><c>weight_hh</c>, [4H, H] row-major.</param>");
            w.Line("/// <param name=\"biasIh\"><c>bias_ih</c>, [4H].</param><param name=\"biasHh\"><c>bias_hh</c>, [4H].</param>");
            w.Line("/// <param name=\"parameters\">Destination, <see cref=\"ParameterCount\"/> long.</param>");
            w.Open($"public static void FromPyTorchLayout({ReadOnlySpan}<{e}> weightIh, {ReadOnlySpan}<{e}> weightHh, {ReadOnlySpan}<{e}> biasIh, {ReadOnlySpan}<{e}> biasHh, {Span}<{e}> parameters)");
            EmitLayoutChecks(w);
            w.Open("for (int row = 0; row < 4 * HiddenSize; row++)");
            w.Line("int first = SimdGateOffset(row, out int rowStride, out int panelWeights) + panelWeights;");
            w.Line("for (int k = 0; k < InputSize; k++) parameters[first + (k * rowStride)] = weightIh[(row * InputSize) + k];");
            w.Line("for (int k = 0; k < HiddenSize; k++) parameters[first + ((InputSize + k) * rowStride)] = weightHh[(row * HiddenSize) + k];");
            w.Line("parameters[BiasIhIndex(row)] = biasIh[row];");
            w.Line("parameters[BiasHhIndex(row)] = biasHh[row];");
            w.Close();
            w.Close();
            w.Line();
            w.Line("/// <summary>Converts parameters (or gradients) in Simd's layout into PyTorch <c>nn.LSTM</c> tensors (gate order i, f, g, o).</summary>");
            w.Line("/// <param name=\"parameters\">Source, <see cref=\"ParameterCount\"/> long.</param>");
            w.Line("/// <param name=\"weightIh\"><c>weight_ih</c>, [4H, I] row-major.</param><param name=\"weightHh\"><c>weight_hh</c>, [4H, H] row-major.</param>");
            w.Line("/// <param name=\"biasIh\"><c>bias_ih</c>, [4H].</param><param name=\"biasHh\"><c>bias_hh</c>, [4H].</param>");
            w.Open($"public static void ToPyTorchLayout({ReadOnlySpan}<{e}> parameters, {Span}<{e}> weightIh, {Span}<{e}> weightHh, {Span}<{e}> biasIh, {Span}<{e}> biasHh)");
            EmitLayoutChecks(w);
            w.Open("for (int row = 0; row < 4 * HiddenSize; row++)");
            w.Line("int first = SimdGateOffset(row, out int rowStride, out int panelWeights) + panelWeights;");
            w.Line("for (int k = 0; k < InputSize; k++) weightIh[(row * InputSize) + k] = parameters[first + (k * rowStride)];");
            w.Line("for (int k = 0; k < HiddenSize; k++) weightHh[(row * HiddenSize) + k] = parameters[first + ((InputSize + k) * rowStride)];");
            w.Line("biasIh[row] = parameters[BiasIhIndex(row)];");
            w.Line("biasHh[row] = parameters[BiasHhIndex(row)];");
            w.Close();
            w.Close();
            w.Line();
            w.Line("/// <summary>Loads this cell's parameters from PyTorch <c>nn.LSTM</c> tensors; see <see cref=\"FromPyTorchLayout\"/>.</summary>");
            w.Line("/// <param name=\"weightIh\"><c>weight_ih</c>, [4H, I].</param><param name=\"weightHh\"><c>weight_hh</c>, [4H, H].</param><param name=\"biasIh\"><c>bias_ih</c>, [4H].</param><param name=\"biasHh\"><c>bias_hh</c>, [4H].</param>");
            w.Line($"public void ImportPyTorch({ReadOnlySpan}<{e}> weightIh, {ReadOnlySpan}<{e}> weightHh, {ReadOnlySpan}<{e}> biasIh, {ReadOnlySpan}<{e}> biasHh) {{ FromPyTorchLayout(weightIh, weightHh, biasIh, biasHh, Parameters);{refresh} }}");
            w.Line("/// <summary>Writes this cell's parameters as PyTorch <c>nn.LSTM</c> tensors; see <see cref=\"ToPyTorchLayout\"/>.</summary>");
            w.Line("/// <param name=\"weightIh\"><c>weight_ih</c>, [4H, I].</param><param name=\"weightHh\"><c>weight_hh</c>, [4H, H].</param><param name=\"biasIh\"><c>bias_ih</c>, [4H].</param><param name=\"biasHh\"><c>bias_hh</c>, [4H].</param>");
            w.Line($"public void ExportPyTorch({Span}<{e}> weightIh, {Span}<{e}> weightHh, {Span}<{e}> biasIh, {Span}<{e}> biasHh) => ToPyTorchLayout(Parameters, weightIh, weightHh, biasIh, biasHh);");
        }

        w.Line();
        w.Line("/// <summary>Fills every parameter from U(−1/√H, 1/√H), PyTorch's default LSTM initialisation, with a seeded generator.</summary>");
        w.Line("/// <param name=\"seed\">Seed; the same seed gives the same parameters on every machine.</param>");
        w.Line($"public void InitializeParameters(ulong seed) {{ global::Simd.Initialization.FillUniform(Parameters, 1 / global::System.Math.Sqrt(HiddenSize), seed);{refresh} }}");
        if (_spec.BFloat16Inference)
        {
            w.Line();
            w.Line("/// <summary>");
            w.Line("/// Rounds the float weights in <see cref=\"Parameters\"/> to the bfloat16 copy that <see cref=\"Step\"/>, <see cref=\"StepBatch\"/>");
            w.Line("/// and tapeless <see cref=\"Forward\"/> read. Import and initialisation call it; call it yourself after changing");
            w.Line("/// <see cref=\"Parameters\"/> directly (for example after an optimizer step). Biases stay in float.");
            w.Line("/// </summary>");
            w.Line("/// <remarks>Rows are stored in the interleaved layout described on <see cref=\"global::Simd.Kernels.BFloat16\"/>.</remarks>");
            w.Open("public void RefreshInferenceWeights()");
            w.Open($"for (int p = 0; p < {I(l.FullPanels + (l.TailUnits > 0 ? 1 : 0))}; p++)");
            w.Line($"int width = p < {I(l.FullPanels)} ? {I(l.PanelWidth)} : {I(4 * l.TailUnits)};");
            w.Open($"for (int k = 0; k < {I(l.K)}; k++)");
            w.Line($"int start = (p * {I((long)l.K * l.PanelWidth)}) + (k * width);");
            w.Line("global::Simd.Kernels.BFloat16.FromSingleInterleaved(Parameters.Slice(start, width), global::System.MemoryExtensions.AsSpan(_simdInferenceWeights, start, width));");
            w.Close();
            w.Close();
            w.Close();
            w.Line();
            w.Line("/// <summary>The weight the inference paths use for PyTorch's (row, column), as <see cref=\"WeightIndex\"/> addresses it.</summary>");
            w.Line("/// <param name=\"row\">Gate row in PyTorch order.</param><param name=\"column\">Column of [weight_ih | weight_hh].</param>");
            w.Line("/// <returns>The bfloat16-rounded weight, as a float.</returns>");
            w.Open($"public {e} InferenceWeight(int row, int column)");
            w.Line("_ = WeightIndex(row, column);");
            w.Line("int first = SimdGateOffset(row, out int rowStride, out int panelWeights);");
            w.Line("return global::Simd.Kernels.BFloat16.DecodeInterleaved(global::System.MemoryExtensions.AsSpan(_simdInferenceWeights, panelWeights + (column * rowStride), rowStride), first);");
            w.Close();
        }
        w.Line();

        // Inference.
        EmitCheckFiniteProperty(w);
        w.Line("/// <summary>Advances one sample by one step: h and c are replaced by the new state.</summary>");
        w.Line($"/// <param name=\"input\">x_t, <see cref=\"InputSize\"/> long.</param><param name=\"hidden\">h, <see cref=\"{Hs("HiddenSize")}\"/> long; updated in place.</param><param name=\"cell\">c, <see cref=\"HiddenSize\"/> long; updated in place.</param>");
        w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length; nothing is written.</exception>");
        w.Open($"public void Step({ReadOnlySpan}<{e}> input, {Span}<{e}> hidden, {Span}<{e}> cell)");
        w.Line("global::Simd.Guard.Length(input.Length, InputSize, nameof(input), \"InputSize\");");
        w.Line(Hs("global::Simd.Guard.Length(hidden.Length, HiddenSize, nameof(hidden), \"HiddenSize\");"));
        w.Line("global::Simd.Guard.Length(cell.Length, HiddenSize, nameof(cell), \"HiddenSize\");");
        CheckFinite(w, "input", "InputSize", "1");
        Dispatch(w, InferenceCore, $"ref SimdWeights, {(_spec.BFloat16Inference ? $"ref {Marshal}.GetArrayDataReference(_simdInferenceWeights), " : string.Empty)}ref {Marshal}.GetReference(input), ref {Marshal}.GetReference(hidden), ref {Marshal}.GetReference(cell), 1");
        CheckFinite(w, "hidden", Hs("HiddenSize"), "1");
        CheckFinite(w, "cell", "HiddenSize", "1");
        w.Close();
        w.Line();
        w.Line("/// <summary>Advances a batch of independent samples by one step (for example many agents in one frame).</summary>");
        w.Line("/// <param name=\"inputs\">Batch × <see cref=\"InputSize\"/>, one sample after another.</param>");
        w.Line(Hs("/// <param name=\"hidden\">Batch × <see cref=\"HiddenSize\"/>; its length sets the batch size; updated in place.</param>"));
        w.Line("/// <param name=\"cell\">Batch × <see cref=\"HiddenSize\"/>; updated in place.</param>");
        w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length; nothing is written.</exception>");
        w.Open($"public void StepBatch({ReadOnlySpan}<{e}> inputs, {Span}<{e}> hidden, {Span}<{e}> cell)");
        w.Open(Hs("if (hidden.Length == 0 || hidden.Length % HiddenSize != 0)"));
        w.Line(Hs("throw new global::System.ArgumentException($\"'hidden' has length {hidden.Length}; expected a positive multiple of HiddenSize = {HiddenSize} (batch × HiddenSize).\", nameof(hidden));"));
        w.Close();
        w.Line(Hs("int batch = hidden.Length / HiddenSize;"));
        w.Line("global::Simd.Guard.Length(inputs.Length, batch * InputSize, nameof(inputs), \"batch × InputSize = {0} × {1}\", batch, InputSize);");
        w.Line(_l.Projected
            ? "global::Simd.Guard.Length(cell.Length, batch * HiddenSize, nameof(cell), \"batch × HiddenSize = {0} × {1}\", batch, HiddenSize);"
            : "global::Simd.Guard.Length(cell.Length, hidden.Length, nameof(cell), \"batch × HiddenSize = {0} × {1}\", batch, HiddenSize);");
        CheckFinite(w, "inputs", "InputSize", "batch");
        Dispatch(w, InferenceCore, $"ref SimdWeights, {(_spec.BFloat16Inference ? $"ref {Marshal}.GetArrayDataReference(_simdInferenceWeights), " : string.Empty)}ref {Marshal}.GetReference(inputs), ref {Marshal}.GetReference(hidden), ref {Marshal}.GetReference(cell), batch");
        CheckFinite(w, "hidden", Hs("HiddenSize"), "batch");
        CheckFinite(w, "cell", "HiddenSize", "batch");
        w.Close();
        w.Line();

        // Tape.
        w.Line("/// <summary>Creates a tape that records up to <paramref name=\"maxSteps\"/> steps of up to <paramref name=\"maxBatch\"/> samples for <see cref=\"Backward\"/>.</summary>");
        w.Line("/// <param name=\"maxSteps\">Longest sequence to record.</param><param name=\"maxBatch\">Largest batch to record.</param>");
        w.Line("/// <returns>A tape to pass to <see cref=\"Forward\"/> and <see cref=\"Backward\"/>; allocate it once and reuse it.</returns>");
        w.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\">A maximum is below 1, or the storage would exceed the largest array .NET can allocate.</exception>");
        w.Open($"public static global::Simd.Tape<{e}> CreateTape(int maxSteps, int maxBatch)");
        w.Line("global::Simd.Guard.Count(maxSteps, int.MaxValue, nameof(maxSteps));");
        w.Line("global::Simd.Guard.Count(maxBatch, int.MaxValue, nameof(maxBatch));");
        w.Line("return new global::Simd.Tape<" + e + ">(SimdTapeLayout, maxSteps, maxBatch, SimdTapeLength(maxSteps, maxBatch));");
        w.Close();
        w.Line();
        if (l.Projected)
        {
            w.Line("// Tape regions, in order: inputs x_t [T·B·I], hidden h_0..h_T [(T+1)·B·P], cell c_0..c_T [(T+1)·B·H],");
            w.Line("// gate activations [T·B·4H], tanh(c_t) [T·B·H], gate gradients [T·B·4H], transposed weights [(I+P)·4H] then");
            w.Line("// W_hr [P·H], the running dL/dh [B·P] and dL/dc [B·H], then for the projection r_t = o ⊙ tanh(c_t) [T·B·H],");
            w.Line("// dL/dh_t [T·B·P] and the running dL/dr [B·H]. Regions are sized for the maximum T and B; rows use the actual B.");
            w.Open("private static long SimdTapeLength(long t, long b)");
            w.Line($"return (t * b * {I(l.I)}) + ((t + 1) * b * {I(l.O + l.H)}) + (2 * t * b * {I(l.G)}) + (2 * t * b * {I(l.H)}) + {I(((long)l.K * l.G) + ((long)l.P * l.H))} + (b * {I(l.O + (2 * l.H))}) + (t * b * {I(l.P)});");
        }
        else
        {
            w.Line("// Tape regions, in order: inputs x_t [T·B·I], hidden h_0..h_T [(T+1)·B·H], cell c_0..c_T [(T+1)·B·H],");
            w.Line("// gate activations [T·B·4H], tanh(c_t) [T·B·H], gate gradients [T·B·4H], transposed weights [(I+H)·4H],");
            w.Line("// and the running dL/dh, dL/dc [B·H each]. Regions are sized for the maximum T and B; rows use the actual B.");
            w.Open("private static long SimdTapeLength(long t, long b)");
            w.Line($"return (t * b * {I(l.I)}) + (2 * (t + 1) * b * {I(l.H)}) + (2 * t * b * {I(l.G)}) + (t * b * {I(l.H)}) + {I((long)l.K * l.G)} + (2 * b * {I(l.H)});");
        }

        w.Close();
        w.Line();

        // Forward.
        w.Line("/// <summary>");
        w.Line("/// Runs <paramref name=\"steps\"/> steps over a batch. With a tape, records what <see cref=\"Backward\"/> needs; without one,");
        w.Line("/// runs inference only. The state spans hold the initial state on entry and the final state on return.");
        w.Line("/// </summary>");
        w.Line("/// <param name=\"steps\">Sequence length T (≤ the tape's MaxSteps).</param><param name=\"batch\">Batch size B (≤ the tape's MaxBatch).</param>");
        w.Line(HdFirst("/// <param name=\"inputs\">x, time-major [T, B, I].</param><param name=\"hidden\">h, [B, H]: h_0 in, h_T out.</param><param name=\"cell\">c, [B, H]: c_0 in, c_T out.</param>"));
        w.Line(Hd("/// <param name=\"outputs\">h_1..h_T, time-major [T, B, H].</param><param name=\"tape\">Where to record for backward, or null for inference.</param>"));
        w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length, or the tape belongs to another cell shape or is too small; nothing is written.</exception>");
        w.Open($"public void Forward(int steps, int batch, {ReadOnlySpan}<{e}> inputs, {Span}<{e}> hidden, {Span}<{e}> cell, {Span}<{e}> outputs, global::Simd.Tape<{e}>? tape)");
        w.Line("global::Simd.Guard.Count(steps, tape?.MaxSteps ?? int.MaxValue, nameof(steps));");
        w.Line("global::Simd.Guard.Count(batch, tape?.MaxBatch ?? int.MaxValue, nameof(batch));");
        w.Line("tape?.CheckLayout(SimdTapeLayout, nameof(tape));");
        w.Line("global::Simd.Guard.Length(inputs.Length, (long)steps * batch * InputSize, nameof(inputs), \"steps × batch × InputSize = {0} × {1} × {2}\", steps, batch, InputSize);");
        w.Line(Hs("global::Simd.Guard.Length(hidden.Length, (long)batch * HiddenSize, nameof(hidden), \"batch × HiddenSize = {0} × {1}\", batch, HiddenSize);"));
        w.Line("global::Simd.Guard.Length(cell.Length, batch * HiddenSize, nameof(cell), \"batch × HiddenSize = {0} × {1}\", batch, HiddenSize);");
        w.Line(Hs("global::Simd.Guard.Length(outputs.Length, (long)steps * batch * HiddenSize, nameof(outputs), \"steps × batch × HiddenSize = {0} × {1} × {2}\", steps, batch, HiddenSize);"));
        CheckFinite(w, "inputs", "InputSize", "batch");
        w.Line($"ref {e} w = ref SimdWeights;");
        w.Open("if (tape is null)");
        w.Open("for (int t = 0; t < steps; t++)");
        Dispatch(w, InferenceCore, $"ref w, {(_spec.BFloat16Inference ? $"ref {Marshal}.GetArrayDataReference(_simdInferenceWeights), " : string.Empty)}ref {Marshal}.GetReference(inputs.Slice(t * batch * InputSize)), ref {Marshal}.GetReference(hidden), ref {Marshal}.GetReference(cell), batch");
        w.Line(Hs("hidden.CopyTo(outputs.Slice(t * batch * HiddenSize));"));
        w.Close();
        CheckFinite(w, "outputs", Hs("HiddenSize"), "batch");
        CheckFinite(w, "cell", "HiddenSize", "batch");
        w.Line("return;");
        w.Close();
        w.Line($"SimdRegions(tape, out var xs, out var hs, out var cs, out var gates, out var tanhC, out _, out _, out _, out _{(l.Projected ? ", out var rs, out _, out _" : string.Empty)});");
        w.Line("inputs.CopyTo(xs);");
        w.Line("hidden.CopyTo(hs);");
        w.Line("cell.CopyTo(cs);");
        Dispatch(w, "ForwardTape", $"ref w, ref {Marshal}.GetReference(xs), ref {Marshal}.GetReference(hs), ref {Marshal}.GetReference(cs), ref {Marshal}.GetReference(gates), ref {Marshal}.GetReference(tanhC), {(l.Projected ? $"ref {Marshal}.GetReference(rs), " : string.Empty)}steps, batch");
        w.Line(Hs("hs.Slice(batch * HiddenSize, steps * batch * HiddenSize).CopyTo(outputs);"));
        w.Line(Hs("hs.Slice(steps * batch * HiddenSize, batch * HiddenSize).CopyTo(hidden);"));
        w.Line("cs.Slice(steps * batch * HiddenSize, batch * HiddenSize).CopyTo(cell);");
        w.Line("tape.MarkRecorded(steps, batch);");
        CheckFinite(w, "outputs", Hs("HiddenSize"), "batch");
        CheckFinite(w, "cell", "HiddenSize", "batch");
        w.Close();
        w.Line();
        w.Open($"private static void SimdRegions(global::Simd.Tape<{e}> tape, out {Span}<{e}> xs, out {Span}<{e}> hs, out {Span}<{e}> cs, out {Span}<{e}> gates, out {Span}<{e}> tanhC, out {Span}<{e}> da, out {Span}<{e}> wt, out {Span}<{e}> dh, out {Span}<{e}> dc{(l.Projected ? $", out {Span}<{e}> rs, out {Span}<{e}> dhs, out {Span}<{e}> dr" : string.Empty)})");
        w.Line("long t = tape.MaxSteps;");
        w.Line("long b = tape.MaxBatch;");
        w.Line($"{Span}<{e}> storage = tape.Storage;");
        w.Line("int at = 0;");
        var regions = new List<(string, string)>
        {
            ("xs", $"t * b * {I(l.I)}"), ("hs", $"(t + 1) * b * {I(l.O)}"), ("cs", $"(t + 1) * b * {I(l.H)}"),
            ("gates", $"t * b * {I(l.G)}"), ("tanhC", $"t * b * {I(l.H)}"), ("da", $"t * b * {I(l.G)}"),
            ("wt", I(((long)l.K * l.G) + ((long)l.P * l.H))), ("dh", $"b * {I(l.O)}"), ("dc", $"b * {I(l.H)}"),
        };
        if (l.Projected)
        {
            regions.Add(("rs", $"t * b * {I(l.H)}"));
            regions.Add(("dhs", $"t * b * {I(l.P)}"));
            regions.Add(("dr", $"b * {I(l.H)}"));
        }

        foreach (var (name, length) in regions)
        {
            w.Line($"{name} = storage.Slice(at, (int)({length}));");
            w.Line($"at += {name}.Length;");
        }

        w.Close();
        w.Line();

        // Backward.
        w.Line("/// <summary>");
        w.Line("/// Backpropagates through the steps recorded on <paramref name=\"tape\"/> by the last <see cref=\"Forward\"/>, using this cell's");
        w.Line("/// current parameters. Parameter gradients are added to <paramref name=\"parameterGradients\"/> (same layout as");
        w.Line("/// <see cref=\"Parameters\"/>); input and initial-state gradients are overwritten.");
        w.Line("/// </summary>");
        w.Line("/// <param name=\"tape\">The tape the forward pass recorded on.</param>");
        w.Line(Hd("/// <param name=\"outputGradients\">dL/dh_t for t = 1..T, [T, B, H].</param>"));
        w.Line(Hd("/// <param name=\"finalHiddenGradient\">Extra dL/dh_T, [B, H] (added to the last step's output gradient).</param>"));
        w.Line("/// <param name=\"finalCellGradient\">dL/dc_T, [B, H].</param>");
        w.Line("/// <param name=\"inputGradients\">dL/dx_t, [T, B, I].</param>");
        w.Line(HdFirst("/// <param name=\"initialHiddenGradient\">dL/dh_0, [B, H].</param><param name=\"initialCellGradient\">dL/dc_0, [B, H].</param>"));
        w.Line("/// <param name=\"parameterGradients\">Accumulates dL/dθ, <see cref=\"ParameterCount\"/> long.</param>");
        w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length, or the tape holds no forward pass of this cell; nothing is written.</exception>");
        w.Open($"public void Backward(global::Simd.Tape<{e}> tape, {ReadOnlySpan}<{e}> outputGradients, {ReadOnlySpan}<{e}> finalHiddenGradient, {ReadOnlySpan}<{e}> finalCellGradient, {Span}<{e}> inputGradients, {Span}<{e}> initialHiddenGradient, {Span}<{e}> initialCellGradient, {Span}<{e}> parameterGradients)");
        w.Line("global::Simd.Guard.NotNull(tape, nameof(tape));");
        w.Line("tape.CheckLayout(SimdTapeLayout, nameof(tape));");
        w.Line("tape.CheckRecorded(nameof(tape));");
        w.Line("int steps = tape.RecordedSteps;");
        w.Line("int batch = tape.RecordedBatch;");
        w.Line(Hs("global::Simd.Guard.Length(outputGradients.Length, steps * batch * HiddenSize, nameof(outputGradients), \"steps × batch × HiddenSize = {0} × {1} × {2}\", steps, batch, HiddenSize);"));
        w.Line(Hs("global::Simd.Guard.Length(finalHiddenGradient.Length, batch * HiddenSize, nameof(finalHiddenGradient), \"batch × HiddenSize = {0} × {1}\", batch, HiddenSize);"));
        w.Line("global::Simd.Guard.Length(finalCellGradient.Length, batch * HiddenSize, nameof(finalCellGradient), \"batch × HiddenSize = {0} × {1}\", batch, HiddenSize);");
        w.Line("global::Simd.Guard.Length(inputGradients.Length, steps * batch * InputSize, nameof(inputGradients), \"steps × batch × InputSize = {0} × {1} × {2}\", steps, batch, InputSize);");
        w.Line(Hs("global::Simd.Guard.Length(initialHiddenGradient.Length, batch * HiddenSize, nameof(initialHiddenGradient), \"batch × HiddenSize = {0} × {1}\", batch, HiddenSize);"));
        w.Line("global::Simd.Guard.Length(initialCellGradient.Length, batch * HiddenSize, nameof(initialCellGradient), \"batch × HiddenSize = {0} × {1}\", batch, HiddenSize);");
        w.Line("global::Simd.Guard.Length(parameterGradients.Length, ParameterCount, nameof(parameterGradients), \"ParameterCount\");");
        w.Line($"SimdRegions(tape, out var xs, out var hs, out var cs, out var gates, out var tanhC, out var da, out var wt, out var dh, out var dc{(l.Projected ? ", out var rs, out var dhs, out var dr" : string.Empty)});");
        w.Line("SimdTranspose(Parameters, wt);");
        w.Line("finalHiddenGradient.CopyTo(dh);");
        w.Line("finalCellGradient.CopyTo(dc);");
        var projection = l.Projected ? $"ref {Marshal}.GetReference(rs), ref {Marshal}.GetReference(dhs), ref {Marshal}.GetReference(dr), " : string.Empty;
        Dispatch(w, "Backward", $"ref {Marshal}.GetReference(wt), ref {Marshal}.GetReference(xs), ref {Marshal}.GetReference(hs), ref {Marshal}.GetReference(cs), ref {Marshal}.GetReference(gates), ref {Marshal}.GetReference(tanhC), ref {Marshal}.GetReference(da), ref {Marshal}.GetReference(dh), ref {Marshal}.GetReference(dc), ref {Marshal}.GetReference(outputGradients), ref {Marshal}.GetReference(inputGradients), ref {Marshal}.GetReference(parameterGradients), {projection}steps, batch");
        w.Line(Hs("dh.Slice(0, batch * HiddenSize).CopyTo(initialHiddenGradient);"));
        w.Line("dc.Slice(0, batch * HiddenSize).CopyTo(initialCellGradient);");
        w.Line("// Both biases get the same gradient, Σ over steps and samples of the gate gradients: sum once, into the");
        w.Line("// transposed-weight region, which this pass no longer needs, then add the sums to both.");
        w.Line($"{Span}<{e}> biasSums = wt.Slice(0, {I(l.G)});");
        w.Line("biasSums.Clear();");
        w.Line($"global::Simd.Kernels.RowSums.AddTo(da.Slice(0, steps * batch * {I(l.G)}), {I(l.G)}, biasSums);");
        w.Line($"global::Simd.Kernels.RowSums.AddTo(biasSums, {I(l.G)}, parameterGradients.Slice({I(l.BiasIhOffset)}, {I(l.G)}));");
        w.Line($"global::Simd.Kernels.RowSums.AddTo(biasSums, {I(l.G)}, parameterGradients.Slice({I(l.BiasHhOffset)}, {I(l.G)}));");
        w.Close();
        w.Line();

        // Transposition for the backward pass.
        w.Line("/// <summary>Copies the weights into column panels of Wᵀ so the input and state gradients are also contiguous vector loads.</summary>");
        w.Open($"private static void SimdTranspose({ReadOnlySpan}<{e}> w, {Span}<{e}> wt)");
        w.Open($"for (int row = 0; row < {I(l.G)}; row++)");
        w.Line("int first = SimdGateOffset(row, out int rowStride, out int panelWeights) + panelWeights;");
        w.Line("int r = SimdGateIndex(row);");
        w.Open($"for (int k = 0; k < {I(l.K)}; k++)");
        w.Line("bool hiddenPart = k >= InputSize;");
        w.Line("int column = hiddenPart ? k - InputSize : k;");
        w.Line(Hs("int length = hiddenPart ? HiddenSize : InputSize;"));
        w.Line($"int panel = column / {I(l.PanelWidth)};");
        w.Line($"int width = global::System.Math.Min({I(l.PanelWidth)}, length - (panel * {I(l.PanelWidth)}));");
        w.Line($"long offset = (hiddenPart ? {I((long)l.I * l.G)} : 0) + ((long)panel * {I((long)l.PanelWidth * l.G)});");
        w.Line($"wt[(int)(offset + ((long)r * width) + (column - (panel * {I(l.PanelWidth)})))] = w[first + (k * rowStride)];");
        w.Close();
        w.Close();
        if (l.Projected)
        {
            w.Line("// W_hr as PyTorch stores it, [P, H] row-major, after the gate panels: dL/dr = W_hrᵀ dL/dh reads its rows.");
            w.Open("for (int row = 0; row < ProjectionSize; row++)");
            w.Line($"for (int column = 0; column < HiddenSize; column++) wt[{I((long)l.K * l.G)} + (row * HiddenSize) + column] = w[ProjectionWeightIndex(row, column)];");
            w.Close();
        }

        w.Close();
    }

    /// <summary>
    /// Import and export for a projected cell: the PyTorch tensors include <c>weight_hr</c>, so the methods take five
    /// tensors. The four-tensor <c>IRecurrentCell</c> members cannot describe this cell and throw, naming these.
    /// </summary>
    private void EmitProjectedImportExport(SourceWriter w, string refresh)
    {
        var e = _e;
        var iface = $"global::Simd.IRecurrentCell<{e}>";
        var tensors = "/// <param name=\"weightIh\"><c>weight_ih</c>, [4H, I] row-major.</param><param name=\"weightHh\"><c>weight_hh</c>, [4H, P] row-major.</param>"
            + "<param name=\"biasIh\"><c>bias_ih</c>, [4H].</param><param name=\"biasHh\"><c>bias_hh</c>, [4H].</param><param name=\"weightHr\"><c>weight_hr</c>, [P, H] row-major.</param>";
        w.Line("/// <summary>Converts PyTorch <c>nn.LSTM(proj_size=P)</c> tensors (gate order i, f, g, o) into Simd's parameter layout.</summary>");
        w.Line(tensors);
        w.Line("/// <param name=\"parameters\">Destination, <see cref=\"ParameterCount\"/> long.</param>");
        w.Open($"public static void FromPyTorchLayout({ReadOnlySpan}<{e}> weightIh, {ReadOnlySpan}<{e}> weightHh, {ReadOnlySpan}<{e}> biasIh, {ReadOnlySpan}<{e}> biasHh, {ReadOnlySpan}<{e}> weightHr, {Span}<{e}> parameters)");
        EmitLayoutChecks(w);
        w.Open("for (int row = 0; row < 4 * HiddenSize; row++)");
        w.Line("int first = SimdGateOffset(row, out int rowStride, out int panelWeights) + panelWeights;");
        w.Line("for (int k = 0; k < InputSize; k++) parameters[first + (k * rowStride)] = weightIh[(row * InputSize) + k];");
        w.Line("for (int k = 0; k < OutputSize; k++) parameters[first + ((InputSize + k) * rowStride)] = weightHh[(row * OutputSize) + k];");
        w.Line("parameters[BiasIhIndex(row)] = biasIh[row];");
        w.Line("parameters[BiasHhIndex(row)] = biasHh[row];");
        w.Close();
        w.Open("for (int row = 0; row < ProjectionSize; row++)");
        w.Line("for (int column = 0; column < HiddenSize; column++) parameters[ProjectionWeightIndex(row, column)] = weightHr[(row * HiddenSize) + column];");
        w.Close();
        w.Close();
        w.Line();
        w.Line("/// <summary>Converts parameters (or gradients) in Simd's layout into PyTorch <c>nn.LSTM(proj_size=P)</c> tensors (gate order i, f, g, o).</summary>");
        w.Line("/// <param name=\"parameters\">Source, <see cref=\"ParameterCount\"/> long.</param>");
        w.Line(tensors);
        w.Open($"public static void ToPyTorchLayout({ReadOnlySpan}<{e}> parameters, {Span}<{e}> weightIh, {Span}<{e}> weightHh, {Span}<{e}> biasIh, {Span}<{e}> biasHh, {Span}<{e}> weightHr)");
        EmitLayoutChecks(w);
        w.Open("for (int row = 0; row < 4 * HiddenSize; row++)");
        w.Line("int first = SimdGateOffset(row, out int rowStride, out int panelWeights) + panelWeights;");
        w.Line("for (int k = 0; k < InputSize; k++) weightIh[(row * InputSize) + k] = parameters[first + (k * rowStride)];");
        w.Line("for (int k = 0; k < OutputSize; k++) weightHh[(row * OutputSize) + k] = parameters[first + ((InputSize + k) * rowStride)];");
        w.Line("biasIh[row] = parameters[BiasIhIndex(row)];");
        w.Line("biasHh[row] = parameters[BiasHhIndex(row)];");
        w.Close();
        w.Open("for (int row = 0; row < ProjectionSize; row++)");
        w.Line("for (int column = 0; column < HiddenSize; column++) weightHr[(row * HiddenSize) + column] = parameters[ProjectionWeightIndex(row, column)];");
        w.Close();
        w.Close();
        w.Line();
        w.Line("/// <summary>Loads this cell's parameters from PyTorch <c>nn.LSTM(proj_size=P)</c> tensors; see <see cref=\"FromPyTorchLayout\"/>.</summary>");
        w.Line(tensors);
        w.Line($"public void ImportPyTorch({ReadOnlySpan}<{e}> weightIh, {ReadOnlySpan}<{e}> weightHh, {ReadOnlySpan}<{e}> biasIh, {ReadOnlySpan}<{e}> biasHh, {ReadOnlySpan}<{e}> weightHr) {{ FromPyTorchLayout(weightIh, weightHh, biasIh, biasHh, weightHr, Parameters);{refresh} }}");
        w.Line("/// <summary>Writes this cell's parameters as PyTorch <c>nn.LSTM(proj_size=P)</c> tensors; see <see cref=\"ToPyTorchLayout\"/>.</summary>");
        w.Line(tensors);
        w.Line($"public void ExportPyTorch({Span}<{e}> weightIh, {Span}<{e}> weightHh, {Span}<{e}> biasIh, {Span}<{e}> biasHh, {Span}<{e}> weightHr) => ToPyTorchLayout(Parameters, weightIh, weightHh, biasIh, biasHh, weightHr);");
        var message = $"\"{_spec.TypeName} projects its hidden state (ProjectionSize = {I(_l.P)}), so its parameters include weight_hr: use the five-tensor overload that takes weightHr.\"";
        w.Line($"void {iface}.ImportPyTorch({ReadOnlySpan}<{e}> weightIh, {ReadOnlySpan}<{e}> weightHh, {ReadOnlySpan}<{e}> biasIh, {ReadOnlySpan}<{e}> biasHh) => throw new global::System.InvalidOperationException({message});");
        w.Line($"void {iface}.ExportPyTorch({Span}<{e}> weightIh, {Span}<{e}> weightHh, {Span}<{e}> biasIh, {Span}<{e}> biasHh) => throw new global::System.InvalidOperationException({message});");
    }

    /// <summary>Explicit members of the projected-cell interfaces that the class exposes as constants and static methods.</summary>
    private void EmitProjectedExplicitMembers(SourceWriter w)
    {
        w.Line($"int global::Simd.IRecurrentCell<{_e}>.OutputSize => OutputSize;");
        w.Line($"int global::Simd.IProjectedLstmCell<{_e}>.ProjectionSize => ProjectionSize;");
        w.Line($"int global::Simd.IProjectedLstmCell<{_e}>.ProjectionWeightIndex(int row, int column) => ProjectionWeightIndex(row, column);");
    }

    /// <summary>With a projection, h-sized spans and counts are <c>OutputSize</c> long rather than <c>HiddenSize</c>.</summary>
    private string Hs(string text) => _l.Projected ? text.Replace("HiddenSize", "OutputSize") : text;

    /// <summary>Like <see cref="Hd"/>, for a line whose second shape is the cell state's and keeps H.</summary>
    private string HdFirst(string text)
    {
        if (!_l.Projected)
        {
            return text;
        }

        var at = text.IndexOf("[B, H]", System.StringComparison.Ordinal);
        return text.Substring(0, at) + "[B, P]" + text.Substring(at + "[B, H]".Length);
    }

    /// <summary>With a projection, documentation of h-sized shapes reads P rather than H.</summary>
    private string Hd(string text) => _l.Projected ? text.Replace("[B, H]", "[B, P]").Replace("[T, B, H]", "[T, B, P]").Replace("..I+H−1", "..I+P−1").Replace("HiddenSize", "OutputSize") : text;

    private void EmitLayoutChecks(SourceWriter w)
    {
        w.Line("global::Simd.Guard.Length(weightIh.Length, 4 * HiddenSize * InputSize, nameof(weightIh), \"4·HiddenSize × InputSize = {0} × {1}\", 4 * HiddenSize, InputSize);");
        if (_l.Projected)
        {
            w.Line("global::Simd.Guard.Length(weightHh.Length, 4 * HiddenSize * ProjectionSize, nameof(weightHh), \"4·HiddenSize × ProjectionSize = {0} × {1}\", 4 * HiddenSize, ProjectionSize);");
            w.Line("global::Simd.Guard.Length(weightHr.Length, ProjectionSize * HiddenSize, nameof(weightHr), \"ProjectionSize × HiddenSize = {0} × {1}\", ProjectionSize, HiddenSize);");
        }
        else
        {
            w.Line("global::Simd.Guard.Length(weightHh.Length, 4 * HiddenSize * HiddenSize, nameof(weightHh), \"4·HiddenSize × HiddenSize = {0} × {1}\", 4 * HiddenSize, HiddenSize);");
        }

        w.Line("global::Simd.Guard.Length(biasIh.Length, 4 * HiddenSize, nameof(biasIh), \"4·HiddenSize\");");
        w.Line("global::Simd.Guard.Length(biasHh.Length, 4 * HiddenSize, nameof(biasHh), \"4·HiddenSize\");");
        w.Line("global::Simd.Guard.Length(parameters.Length, ParameterCount, nameof(parameters), \"ParameterCount\");");
    }
}

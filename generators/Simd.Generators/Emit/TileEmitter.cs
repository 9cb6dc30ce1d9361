using System.Collections.Generic;
using System.Linq;

namespace Simd.Generators.Emit;

/// <summary>
/// Where a bfloat16 weight chunk sits (see <c>Simd.Kernels.BFloat16</c>): <see cref="Memory"/> is its element offset
/// in the stored row, relative to the matrix reference; <see cref="Mode"/> is 'E' (even halves of a pair load),
/// 'O' (odd halves) or 'P' (stored plainly).
/// </summary>
internal readonly record struct BFloat16Chunk(int Memory, char Mode);

/// <summary>
/// Instead of storing the gate pre-activations, finish the LSTM cell update in registers: the tile's four chunks are
/// one panel's i, f, g and o gates. Rows are samples <see cref="HiddenStride"/> apart in c and h and
/// <see cref="GateStride"/> apart in the recorded gates; <see cref="Record"/> also stores gates and tanh(c) for backward.
/// </summary>
internal sealed record LstmEpilogue(int HiddenStride, int GateStride, bool Record);

/// <summary>
/// Keeps the products of segment 0 apart from the other segments' in the chunks from <see cref="FromChunk"/> on: those
/// chunks get a second accumulator set for segments 1.., started from bias1 (or zero) while the first starts from
/// bias0 (or zero), and stored <see cref="StoreShift"/> elements further along the destination row. The GRU's
/// reset-after candidate needs W_in x and W_hn h apart while r and z need their sum, all from one pass over the weights.
/// </summary>
internal sealed record SplitSegments(int FromChunk, int StoreShift);

/// <summary>How a tile's accumulators start.</summary>
internal enum TileInit
{
    /// <summary>From the sum of two bias vectors (bias_ih + bias_hh).</summary>
    Bias,

    /// <summary>From zero; the result overwrites the destination.</summary>
    Zero,

    /// <summary>From the destination; the result is added to it (gradient accumulation).</summary>
    Accumulate,
}

/// <summary>
/// One reduction input of a tile: at each step q, row r broadcasts <c>src[r·SourceRowStride + q·SourceStepStride]</c>
/// and multiplies it into <c>matrix[q·MatrixStepStride + column]</c>. <see cref="Count"/> is the number of steps,
/// or −1 when it is known only at run time.
/// </summary>
internal sealed record Segment(int SourceRowStride, int SourceStepStride, int MatrixStepStride, int Count);

/// <summary>
/// Emits register-tiled multiply–accumulate kernels: a tile of <c>rows × columns</c> accumulators (columns split into
/// vector chunks) is held in registers while the reduction runs, then stored once. Forward gates, input and state
/// gradients, and weight gradients are all this one kernel with different strides.
/// </summary>
internal sealed class TileEmitter
{
    /// <summary>
    /// Kernels skip tier-0: they are compiled fully optimized on first call, so no frame ever runs slow code and
    /// the code measured is the code shipped.
    /// </summary>
    public const string Optimized = "[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]";

    private const int Unroll = 2;
    private readonly VecText _v;
    private readonly Dictionary<string, string> _names = new();
    private readonly SourceWriter _methods = new();

    public TileEmitter(VecText v) => _v = v;

    public string Methods => _methods.ToString();

    /// <summary>Returns the name of a kernel for this shape, emitting it the first time it is asked for.</summary>
    /// <param name="isa">The instruction-set path.</param>
    /// <param name="chunks">Vector widths, in elements, of the tile's columns.</param>
    /// <param name="rows">Rows (samples) held in registers at once.</param>
    /// <param name="segments">The reduction inputs.</param>
    /// <param name="init">How accumulators start.</param>
    /// <param name="destinationRowStride">Elements between destination rows.</param>
    /// <param name="bfloat16">When not null, the matrix operand is bfloat16 (<c>ref ushort</c>) and this says where each chunk is stored.</param>
    /// <param name="epilogue">When not null, the tile ends with the LSTM cell update instead of storing to <c>dst</c>.</param>
    /// <param name="split">When not null, some chunks keep segment 0's products apart from the others' (not with an epilogue).</param>
    public string Get(Isa isa, IReadOnlyList<int> chunks, int rows, IReadOnlyList<Segment> segments, TileInit init, int destinationRowStride, IReadOnlyList<BFloat16Chunk>? bfloat16 = null, LstmEpilogue? epilogue = null, SplitSegments? split = null)
    {
        var key = string.Join("|", isa.Name, string.Join(",", chunks), rows, string.Join(";", segments), init, destinationRowStride, bfloat16 is null ? "float" : string.Join(",", bfloat16), epilogue)
            + (split is null ? string.Empty : "|" + split);
        if (_names.TryGetValue(key, out var existing))
        {
            return existing;
        }

        var name = "Tile" + isa.Name + "_" + SourceWriter.Int(_names.Count);
        _names.Add(key, name);
        _half = bfloat16;
        _epilogue = epilogue;
        _split = epilogue is null || split is null ? split : throw new System.ArgumentException("A split tile stores to dst; it cannot end with an epilogue.", nameof(split));
        Emit(name, chunks, rows, segments, init, destinationRowStride);
        return name;
    }

    private const string BFloat16Class = "global::Simd.Kernels.BFloat16";

    private IReadOnlyList<BFloat16Chunk>? _half;

    private LstmEpilogue? _epilogue;

    private SplitSegments? _split;

    /// <summary>Whether chunk <paramref name="c"/> has the second accumulator set of a split tile.</summary>
    private bool IsSplit(int c) => _split is not null && c >= _split.FromChunk;

    private string MatrixType => _half is null ? _v.Element : "ushort";

    private void Emit(string name, IReadOnlyList<int> chunks, int rows, IReadOnlyList<Segment> segments, TileInit init, int destinationRowStride)
    {
        var e = _v.Element;
        var w = _methods;
        var parameters = _epilogue is null
            ? new List<string> { $"ref {e} dst" }
            : new List<string> { $"ref {e} cPrev", $"ref {e} cOut", $"ref {e} hOut" };
        if (_epilogue is { Record: true })
        {
            parameters.Add($"ref {e} gates");
            parameters.Add($"ref {e} tanhC");
        }
        for (var i = 0; i < segments.Count; i++)
        {
            parameters.Add($"ref {MatrixType} m{i}");
            parameters.Add($"ref {e} s{i}");
        }

        if (init == TileInit.Bias)
        {
            parameters.Add($"ref {e} bias0");
            parameters.Add($"ref {e} bias1");
        }

        if (segments.Any(static s => s.Count < 0))
        {
            parameters.Add("int count");
        }

        // A single row has one chain per chunk; two accumulator sets (even and odd steps) double the chains
        // in flight so the FMA latency is hidden. Deterministic mode keeps one chain: how samples fall into tiles
        // depends on the path (rows per tile differ), and a sample's sum must not.
        var sets = rows == 1 && !_v.Deterministic ? 2 : 1;
        var offsets = new int[chunks.Count];
        for (var c = 1; c < chunks.Count; c++)
        {
            offsets[c] = offsets[c - 1] + chunks[c - 1];
        }

        w.Line(Optimized);
        w.Open($"private static void {name}({string.Join(", ", parameters)})");
        for (var c = 0; c < chunks.Count; c++)
        {
            var bias = init == TileInit.Bias
                ? $"{_v.Load(chunks[c], "bias0", SourceWriter.Int(offsets[c]))} + {_v.Load(chunks[c], "bias1", SourceWriter.Int(offsets[c]))}"
                : null;
            for (var r = 0; r < rows; r++)
            {
                for (var s = 0; s < sets; s++)
                {
                    var start = s > 0 ? _v.Zero(chunks[c]) : init switch
                    {
                        TileInit.Bias => r == 0 ? bias! : $"a0_{c}_0",
                        TileInit.Accumulate => _v.Load(chunks[c], "dst", SourceWriter.Int((r * destinationRowStride) + offsets[c])),
                        _ => _v.Zero(chunks[c]),
                    };
                    if (IsSplit(c))
                    {
                        // Each side starts from its own bias; row 0's starts are reused by the other rows.
                        var own = s > 0 || init != TileInit.Bias ? start : r == 0 ? _v.Load(chunks[c], "bias0", SourceWriter.Int(offsets[c])) : $"a0_{c}_0";
                        var other = s > 0 || init != TileInit.Bias ? _v.Zero(chunks[c]) : r == 0 ? _v.Load(chunks[c], "bias1", SourceWriter.Int(offsets[c])) : $"e0_{c}_0";
                        if (init == TileInit.Accumulate && s == 0)
                        {
                            other = _v.Load(chunks[c], "dst", SourceWriter.Int((r * destinationRowStride) + offsets[c] + _split!.StoreShift));
                        }

                        w.Line($"{_v.Type(chunks[c])} a{r}_{c}_{s} = {own};");
                        w.Line($"{_v.Type(chunks[c])} e{r}_{c}_{s} = {other};");
                        continue;
                    }

                    w.Line($"{_v.Type(chunks[c])} a{r}_{c}_{s} = {start};");
                }
            }
        }

        for (var i = 0; i < segments.Count; i++)
        {
            var seg = segments[i];
            w.Line($"ref {MatrixType} mp{i} = ref m{i};");
            w.Line($"ref {e} sp{i} = ref s{i};");
            var bump = $"mp{i} = ref {VecText.UnsafeClass}.Add(ref mp{i}, {SourceWriter.Int(Unroll * seg.MatrixStepStride)}); sp{i} = ref {VecText.UnsafeClass}.Add(ref sp{i}, {SourceWriter.Int(Unroll * seg.SourceStepStride)});";
            if (seg.Count >= 0)
            {
                var loops = seg.Count / Unroll;
                if (loops > 0)
                {
                    w.Open($"for (int q = 0; q < {SourceWriter.Int(loops)}; q++)");
                    for (var u = 0; u < Unroll; u++)
                    {
                        Slot(w, i, seg, u, u % sets, chunks, offsets, rows);
                    }

                    w.Line(bump);
                    w.Close();
                }

                for (var u = 0; u < seg.Count % Unroll; u++)
                {
                    Slot(w, i, seg, u, u % sets, chunks, offsets, rows);
                }
            }
            else
            {
                w.Line("int left = count;");
                w.Open($"for (; left >= {SourceWriter.Int(Unroll)}; left -= {SourceWriter.Int(Unroll)})");
                for (var u = 0; u < Unroll; u++)
                {
                    Slot(w, i, seg, u, u % sets, chunks, offsets, rows);
                }

                w.Line(bump);
                w.Close();
                w.Open("if (left > 0)");
                Slot(w, i, seg, 0, 0, chunks, offsets, rows);
                w.Close();
            }
        }

        if (_epilogue is not null)
        {
            EmitLstmEpilogue(w, chunks, rows, sets, _epilogue);
        }
        else
        {
            for (var c = 0; c < chunks.Count; c++)
            {
                for (var r = 0; r < rows; r++)
                {
                    var value = sets == 2 ? $"a{r}_{c}_0 + a{r}_{c}_1" : $"a{r}_{c}_0";
                    w.Line(_v.Store(chunks[c], value, "dst", SourceWriter.Int((r * destinationRowStride) + offsets[c])));
                    if (IsSplit(c))
                    {
                        var other = sets == 2 ? $"e{r}_{c}_0 + e{r}_{c}_1" : $"e{r}_{c}_0";
                        w.Line(_v.Store(chunks[c], other, "dst", SourceWriter.Int((r * destinationRowStride) + offsets[c] + _split!.StoreShift)));
                    }
                }
            }
        }

        w.Close();
        w.Line();
    }

    private void EmitLstmEpilogue(SourceWriter w, IReadOnlyList<int> chunks, int rows, int sets, LstmEpilogue epilogue)
    {
        var width = chunks[0];
        string Gate(int r, int c) => sets == 2 ? $"(a{r}_{c}_0 + a{r}_{c}_1)" : $"a{r}_{c}_0";
        for (var r = 0; r < rows; r++)
        {
            var at = SourceWriter.Int(r * epilogue.HiddenStride);
            w.Open(string.Empty);
            w.Line($"var gi = {MathClassName}.Sigmoid({Gate(r, 0)});");
            w.Line($"var gf = {MathClassName}.Sigmoid({Gate(r, 1)});");
            w.Line($"var gg = {MathClassName}.Tanh({Gate(r, 2)});");
            w.Line($"var go = {MathClassName}.Sigmoid({Gate(r, 3)});");
            w.Line($"var cn = {MathClassName}.MulAdd(gf, {_v.Load(width, "cPrev", at)}, gi * gg);");
            w.Line($"var tc = {MathClassName}.Tanh(cn);");
            w.Line(_v.Store(width, "cn", "cOut", at));
            w.Line(_v.Store(width, "go * tc", "hOut", at));
            if (epilogue.Record)
            {
                var gates = r * epilogue.GateStride;
                w.Line(_v.Store(width, "gi", "gates", SourceWriter.Int(gates)));
                w.Line(_v.Store(width, "gf", "gates", SourceWriter.Int(gates + width)));
                w.Line(_v.Store(width, "gg", "gates", SourceWriter.Int(gates + (2 * width))));
                w.Line(_v.Store(width, "go", "gates", SourceWriter.Int(gates + (3 * width))));
                w.Line(_v.Store(width, "tc", "tanhC", at));
            }

            w.Close();
        }
    }

    private const string MathClassName = VecText.MathClass;

    private void Slot(SourceWriter w, int segment, Segment seg, int step, int set, IReadOnlyList<int> chunks, int[] offsets, int rows)
    {
        w.Open(string.Empty);
        var widths = chunks.Distinct().ToArray();
        for (var r = 0; r < rows; r++)
        {
            var source = $"{VecText.UnsafeClass}.Add(ref sp{segment}, {SourceWriter.Int((r * seg.SourceRowStride) + (step * seg.SourceStepStride))})";
            if (widths.Length == 1)
            {
                w.Line($"var b{r}_{widths[0]} = {_v.Broadcast(widths[0], source)};");
            }
            else
            {
                w.Line($"var x{r} = {source};");
                foreach (var width in widths)
                {
                    w.Line($"var b{r}_{width} = {_v.Broadcast(width, $"x{r}")};");
                }
            }
        }

        var matrix = "mp" + SourceWriter.Int(segment);
        var pairs = new Dictionary<(int, int), string>();
        for (var c = 0; c < chunks.Count; c++)
        {
            string load;
            if (_half is null)
            {
                load = _v.Load(chunks[c], matrix, SourceWriter.Int((step * seg.MatrixStepStride) + offsets[c]));
            }
            else
            {
                var chunk = _half[c];
                var at = SourceWriter.Int((step * seg.MatrixStepStride) + chunk.Memory);
                if (chunk.Mode == 'P')
                {
                    load = $"{BFloat16Class}.Load{SourceWriter.Int(chunks[c])}(ref {matrix}, {at})";
                }
                else
                {
                    // An even and an odd chunk at the same place share one load.
                    if (!pairs.TryGetValue((chunk.Memory, chunks[c]), out var pair))
                    {
                        pair = "p" + SourceWriter.Int(pairs.Count);
                        pairs.Add((chunk.Memory, chunks[c]), pair);
                        w.Line($"var {pair} = {BFloat16Class}.Pairs{SourceWriter.Int(chunks[c])}(ref {matrix}, {at});");
                    }

                    load = $"{BFloat16Class}.{(chunk.Mode == 'E' ? "Even" : "Odd")}({pair})";
                }
            }

            w.Line($"var w{c} = {load};");
            for (var r = 0; r < rows; r++)
            {
                var acc = segment > 0 && IsSplit(c) ? "e" : "a";
                w.Line($"{acc}{r}_{c}_{set} = {VecText.MathClass}.MulAdd(b{r}_{chunks[c]}, w{c}, {acc}{r}_{c}_{set});");
            }
        }

        w.Close();
    }
}

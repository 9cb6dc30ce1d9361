using Simd.Generators.Model;

namespace Simd.Generators.Emit;

/// <summary>
/// Writes the generated half of an <c>[RnnCell]</c> class: h' = act(W_ih x + b_ih + W_hh h + b_hh), act = tanh or ReLU.
/// A step is one pass of register tiles over the hidden units (see <see cref="RnnLayout"/>) then the activation into
/// the state; the tape keeps the outputs h_t, from which both activations' derivatives follow.
/// </summary>
internal sealed class RnnEmitter : CellEmitterBase
{
    private readonly RnnLayout _l;

    private RnnEmitter(CellSpec spec)
        : base(spec)
    {
        _l = new RnnLayout(spec.InputSize, spec.HiddenSize);
    }

    public static string Emit(CellSpec spec) => new RnnEmitter(spec).Write();

    protected override string KernelClass => "SimdRnnKernels";

    private string ActivationName => _spec.Relu ? "ReLU" : "tanh";

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

    /// <summary>The activation of one vector (or scalar) <paramref name="value"/> of <paramref name="width"/> elements.</summary>
    private string Activate(int width, string value)
    {
        if (!_spec.Relu)
        {
            return $"{Math}.Tanh({value})";
        }

        // pre < 0 ? 0 : pre keeps NaN as NaN, as PyTorch's relu does.
        return width == 1
            ? $"({value} < 0 ? 0{_v.Suffix} : {value})"
            : $"{_v.Static(width)}.ConditionalSelect({_v.Static(width)}.LessThan({value}, {_v.Zero(width)}), {_v.Zero(width)}, {value})";
    }

    private void EmitForwardKernels(Isa isa)
    {
        var l = _l;
        var e = _e;
        var w = _k;

        // The activation of one sample's H pre-activations, written to the state (the same place for a sequence).
        w.Line(Opt);
        w.Open($"private static void Act{isa.Name}(ref {e} pre, ref {e} h)");
        KernelLoops.Elementwise(w, isa, _v, l.H, (width, j) =>
        {
            w.Line($"var p = {_v.Load(width, "pre", j)};");
            w.Line(_v.Store(width, Activate(width, "p"), "h", j));
        });
        w.Close();
        w.Line();

        // One step of a group of samples: pre-activations into pre by register tiles, then their activations into h.
        // Every tile has read the group's previous state before the first activation writes, so h may be that state.
        var segments = new[] { new Segment(l.I, 1, l.H, l.I), new Segment(l.H, 1, l.H, l.H) };
        var tiles = KernelLoops.ColumnTiles(isa, _v, l.H);
        for (var rows = 1; rows <= RowsPerTile(isa); rows++)
        {
            w.Line(Opt);
            w.Open($"private static void Group{isa.Name}N{I(rows)}(ref {e} w, ref {e} x, ref {e} hPrev, ref {e} pre, ref {e} h)");
            var tileRows = rows;
            KernelLoops.ForEachColumnTile(w, tiles, (chunks, col) =>
            {
                var name = _tiles.Get(isa, chunks, tileRows, segments, TileInit.Bias, l.H);
                w.Line($"{name}({At("pre", col)}, {At("w", col)}, ref x, {At("w", $"{I((long)l.I * l.H)} + {col}")}, ref hPrev, {At("w", $"{I(l.BiasIhOffset)} + {col}")}, {At("w", $"{I(l.BiasHhOffset)} + {col}")});");
            });
            for (var r = 0; r < rows; r++)
            {
                w.Line($"Act{isa.Name}({At("pre", I(r * l.H))}, {At("h", I(r * l.H))});");
            }

            w.Close();
            w.Line();
        }

        var nb = RowsPerTile(isa);
        w.Line(Opt);
        w.Open($"public static void StepBatch{isa.Name}(ref {e} w, ref {e} x, ref {e} h, int batch)");
        w.Line("// The new state replaces the old in place: a group's pre-activations go to scratch until all its tiles have");
        w.Line("// read the old state. Sized for the batch when it is smaller than a group: stackalloc clears what it takes.");
        w.Line($"{Span}<{e}> scratch = stackalloc {e}[(batch < {I(nb)} ? batch : {I(nb)}) * {I(l.H)}];");
        w.Line($"ref {e} pre = ref {Marshal}.GetReference(scratch);");
        KernelLoops.GroupLoop(w, nb, "batch", (rows, s0) =>
        {
            var state = At("h", $"{s0} * {I(l.H)}");
            w.Line($"Group{isa.Name}N{I(rows)}(ref w, {At("x", $"{s0} * {I(l.I)}")}, {state}, ref pre, {state});");
        });
        w.Close();
        w.Line();

        // A sequence: step t reads h_t (h0 for t = 0, else the previous output) and writes h_{t+1} to outputs.
        w.Line(Opt);
        w.Open($"public static void Sequence{isa.Name}(ref {e} w, ref {e} xs, ref {e} h0, ref {e} outputs, int steps, int batch)");
        w.Open("for (int t = 0; t < steps; t++)");
        w.Line("int row = t * batch;");
        w.Line($"ref {e} prev = ref (t == 0 ? ref h0 : ref {Unsafe}.Add(ref outputs, (row - batch) * {I(l.H)}));");
        KernelLoops.GroupLoop(w, nb, "batch", (rows, s0) =>
        {
            var output = At("outputs", $"(row + {s0}) * {I(l.H)}");
            w.Line($"Group{isa.Name}N{I(rows)}(ref w, {At("xs", $"(row + {s0}) * {I(l.I)}")}, {At("prev", $"{s0} * {I(l.H)}")}, {output}, {output});");
        });
        w.Close();
        w.Close();
        w.Line();
    }

    // ---------------------------------------------------------------- backward kernels

    private void EmitBackwardKernels(Isa isa)
    {
        var l = _l;
        var e = _e;
        var w = _k;

        // da = (dL/dh_t from the output + from the next step) · act'(pre), written from the output h:
        // tanh' = 1 − h², ReLU' = [h > 0] (0 at pre = 0, PyTorch's convention).
        w.Line(Opt);
        w.Open($"private static void ActBack{isa.Name}(ref {e} h, ref {e} dOut, ref {e} dh, ref {e} da)");
        KernelLoops.Elementwise(w, isa, _v, l.H, (width, j) =>
        {
            w.Line($"var hv = {_v.Load(width, "h", j)};");
            w.Line($"var g = {_v.Load(width, "dOut", j)} + {_v.Load(width, "dh", j)};");
            string derivative;
            if (!_spec.Relu)
            {
                derivative = $"g * ({_v.Constant(width, "1")} - (hv * hv))";
            }
            else if (width == 1)
            {
                derivative = $"(hv > 0 ? g : 0{_v.Suffix})";
            }
            else
            {
                derivative = $"{_v.Static(width)}.GreaterThan(hv, {_v.Zero(width)}) & g";
            }

            w.Line(_v.Store(width, derivative, "da", j));
        });
        w.Close();
        w.Line();

        // Input and state gradients: [dx | dh] = da · W, with W in PyTorch's [H, I+H] order (the tape's copy).
        var nr = RowsPerTile(isa);
        var dzSegment = new[] { new Segment(l.H, 1, l.K, l.H) };
        for (var rows = 1; rows <= nr; rows++)
        {
            w.Line(Opt);
            w.Open($"private static void Dz{isa.Name}N{I(rows)}(ref {e} wt, ref {e} da, ref {e} dx, ref {e} dh)");
            foreach (var (length, first, dst) in new[] { (l.I, 0, "dx"), (l.H, l.I, "dh") })
            {
                var tileRows = rows;
                KernelLoops.ForEachColumnTile(w, KernelLoops.ColumnTiles(isa, _v, length), (chunks, col) =>
                {
                    var name = _tiles.Get(isa, chunks, tileRows, dzSegment, TileInit.Zero, length);
                    w.Line($"{name}({At(dst, col)}, {At("wt", first == 0 ? col : $"{I(first)} + {col}")}, ref da);");
                });
            }

            w.Close();
            w.Line();
        }

        // Weight gradients: dW[k, u] += Σ over recorded rows of source[k] · da[u], source = x (k < I) or h_t.
        w.Line(Opt);
        w.Open($"private static void Dw{isa.Name}(ref {e} grad, ref {e} xs, ref {e} hs, ref {e} da, int count)");
        var hiddenTiles = KernelLoops.ColumnTiles(isa, _v, l.H);
        foreach (var (source, length, first) in new[] { ("xs", l.I, 0), ("hs", l.H, l.I) })
        {
            var segments = new[] { new Segment(1, length, l.H, -1) };
            KernelLoops.ForEachColumnTile(w, hiddenTiles, (chunks, col) =>
            {
                void Call(int rows, string k0)
                {
                    var name = _tiles.Get(isa, chunks, rows, segments, TileInit.Accumulate, l.H);
                    w.Line($"{name}({At("grad", $"({I(first)} + {k0}) * {I(l.H)} + {col}")}, {At("da", col)}, {At(source, k0)}, count);");
                }

                KernelLoops.RowBlocks(w, length, nr, Call);
            });
        }

        w.Close();
        w.Line();

        w.Line(Opt);
        w.Open($"public static void Backward{isa.Name}(ref {e} wt, ref {e} xs, ref {e} hs, ref {e} da, ref {e} dh, ref {e} dOut, ref {e} dx, ref {e} grad, int steps, int batch)");
        w.Open("for (int t = steps - 1; t >= 0; t--)");
        w.Line("int stepRow = t * batch;");
        w.Open("for (int s = 0; s < batch; s++)");
        w.Line("int row = stepRow + s;");
        w.Line($"ActBack{isa.Name}({At("hs", $"(row + batch) * {I(l.H)}")}, {At("dOut", $"row * {I(l.H)}")}, {At("dh", $"s * {I(l.H)}")}, {At("da", $"row * {I(l.H)}")});");
        w.Close();
        KernelLoops.GroupLoop(w, nr, "batch", (rows, s0) =>
            w.Line($"Dz{isa.Name}N{I(rows)}(ref wt, {At("da", $"(stepRow + {s0}) * {I(l.H)}")}, {At("dx", $"(stepRow + {s0}) * {I(l.I)}")}, {At("dh", $"{s0} * {I(l.H)}")});"));
        w.Close();
        w.Line($"Dw{isa.Name}(ref grad, ref xs, ref hs, ref da, steps * batch);");
        w.Close();
        w.Line();
    }

    // ---------------------------------------------------------------- public API

    private void EmitPublicApi(SourceWriter w)
    {
        var l = _l;
        var e = _e;
        w.Line("/// <summary>Length of each input vector x_t.</summary>");
        w.Line($"public const int InputSize = {I(l.I)};");
        w.Line("/// <summary>Length of the hidden state h.</summary>");
        w.Line($"public const int HiddenSize = {I(l.H)};");
        w.Line("/// <summary>Number of parameters: H·I + H·H weights and two H biases, as in PyTorch's <c>nn.RNN</c>.</summary>");
        w.Line($"public const int ParameterCount = {I(l.ParameterCount)};");
        w.Line($"/// <summary>The activation: h' = {ActivationName}(W_ih x + b_ih + W_hh h + b_hh).</summary>");
        w.Line($"public const global::Simd.RnnNonlinearity Nonlinearity = global::Simd.RnnNonlinearity.{(_spec.Relu ? "Relu" : "Tanh")};");
        w.Line();
        w.Line($"private const string SimdTapeLayout = \"{(_spec.Relu ? "RnnRelu" : "Rnn")}:{I(l.I)}x{I(l.H)}:{e}\";");
        CellApi.EmitStorage(w, e, _spec.TypeName, _spec.SharedStorage);
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// The parameters in Simd's layout: the weights transposed, row k = 0..I+H−1 holding column k of");
        w.Line("/// <c>[weight_ih | weight_hh]</c> for all hidden units side by side (so a step streams them once, one contiguous");
        w.Line("/// vector at a time), followed by <c>bias_ih</c> and <c>bias_hh</c>. Use <see cref=\"ImportPyTorch\"/>,");
        w.Line("/// <see cref=\"ExportPyTorch\"/> and <see cref=\"WeightIndex\"/> instead of relying on positions.");
        w.Line("/// </summary>");
        w.Line($"public {Span}<{e}> Parameters => {CellApi.ParametersExpression(_spec.SharedStorage)};");
        w.Line();

        // Layout helpers.
        w.Line("/// <summary>Index in <see cref=\"Parameters\"/> of PyTorch's weight at row <paramref name=\"row\"/> (hidden unit 0..H−1)");
        w.Line("/// and column <paramref name=\"column\"/>: columns 0..I−1 are <c>weight_ih</c>, columns I..I+H−1 are <c>weight_hh</c>.</summary>");
        w.Line("/// <param name=\"row\">Hidden unit.</param><param name=\"column\">Input column; inputs first, then hidden state.</param>");
        w.Line("/// <returns>The index into the parameter layout.</returns>");
        w.Open("public static int WeightIndex(int row, int column)");
        w.Line("if ((uint)row >= HiddenSize) throw new global::System.ArgumentOutOfRangeException(nameof(row), row, \"row must be in [0, HiddenSize).\");");
        w.Line("if ((uint)column >= InputSize + HiddenSize) throw new global::System.ArgumentOutOfRangeException(nameof(column), column, \"column must be in [0, InputSize + HiddenSize).\");");
        w.Line("return (column * HiddenSize) + row;");
        w.Close();
        w.Line();
        w.Line("/// <summary>Index in <see cref=\"Parameters\"/> of PyTorch's <c>bias_ih[row]</c>.</summary><param name=\"row\">Hidden unit.</param><returns>The index.</returns>");
        w.Line($"public static int BiasIhIndex(int row) => {I(l.BiasIhOffset)} + SimdUnit(row);");
        w.Line("/// <summary>Index in <see cref=\"Parameters\"/> of PyTorch's <c>bias_hh[row]</c>.</summary><param name=\"row\">Hidden unit.</param><returns>The index.</returns>");
        w.Line($"public static int BiasHhIndex(int row) => {I(l.BiasHhOffset)} + SimdUnit(row);");
        w.Line();
        w.Line("private static int SimdUnit(int row) => (uint)row < HiddenSize ? row : throw new global::System.ArgumentOutOfRangeException(nameof(row), row, \"row must be in [0, HiddenSize).\");");
        w.Line();

        // Import / export.
        w.Line("/// <summary>Converts PyTorch <c>nn.RNN</c> tensors into Simd's parameter layout.</summary>");
        w.Line("/// <param name=\"weightIh\"><c>weight_ih</c>, [H, I] row-major.</param><param name=\"weightHh\"><c>weight_hh</c>, [H, H] row-major.</param>");
        w.Line("/// <param name=\"biasIh\"><c>bias_ih</c>, [H].</param><param name=\"biasHh\"><c>bias_hh</c>, [H].</param>");
        w.Line("/// <param name=\"parameters\">Destination, <see cref=\"ParameterCount\"/> long.</param>");
        w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length; nothing is written.</exception>");
        w.Open($"public static void FromPyTorchLayout({ReadOnlySpan}<{e}> weightIh, {ReadOnlySpan}<{e}> weightHh, {ReadOnlySpan}<{e}> biasIh, {ReadOnlySpan}<{e}> biasHh, {Span}<{e}> parameters)");
        EmitLayoutChecks(w);
        w.Open("for (int row = 0; row < HiddenSize; row++)");
        w.Line("for (int k = 0; k < InputSize; k++) parameters[(k * HiddenSize) + row] = weightIh[(row * InputSize) + k];");
        w.Line("for (int k = 0; k < HiddenSize; k++) parameters[((InputSize + k) * HiddenSize) + row] = weightHh[(row * HiddenSize) + k];");
        w.Close();
        w.Line($"biasIh.CopyTo(parameters.Slice({I(l.BiasIhOffset)}, HiddenSize));");
        w.Line($"biasHh.CopyTo(parameters.Slice({I(l.BiasHhOffset)}, HiddenSize));");
        w.Close();
        w.Line();
        w.Line("/// <summary>Converts parameters (or gradients) in Simd's layout into PyTorch <c>nn.RNN</c> tensors.</summary>");
        w.Line("/// <param name=\"parameters\">Source, <see cref=\"ParameterCount\"/> long.</param>");
        w.Line("/// <param name=\"weightIh\"><c>weight_ih</c>, [H, I] row-major.</param><param name=\"weightHh\"><c>weight_hh</c>, [H, H] row-major.</param>");
        w.Line("/// <param name=\"biasIh\"><c>bias_ih</c>, [H].</param><param name=\"biasHh\"><c>bias_hh</c>, [H].</param>");
        w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length; nothing is written.</exception>");
        w.Open($"public static void ToPyTorchLayout({ReadOnlySpan}<{e}> parameters, {Span}<{e}> weightIh, {Span}<{e}> weightHh, {Span}<{e}> biasIh, {Span}<{e}> biasHh)");
        EmitLayoutChecks(w);
        w.Open("for (int row = 0; row < HiddenSize; row++)");
        w.Line("for (int k = 0; k < InputSize; k++) weightIh[(row * InputSize) + k] = parameters[(k * HiddenSize) + row];");
        w.Line("for (int k = 0; k < HiddenSize; k++) weightHh[(row * HiddenSize) + k] = parameters[((InputSize + k) * HiddenSize) + row];");
        w.Close();
        w.Line($"parameters.Slice({I(l.BiasIhOffset)}, HiddenSize).CopyTo(biasIh);");
        w.Line($"parameters.Slice({I(l.BiasHhOffset)}, HiddenSize).CopyTo(biasHh);");
        w.Close();
        w.Line();
        w.Line("/// <summary>Loads this cell's parameters from PyTorch <c>nn.RNN</c> tensors; see <see cref=\"FromPyTorchLayout\"/>.</summary>");
        w.Line("/// <param name=\"weightIh\"><c>weight_ih</c>, [H, I].</param><param name=\"weightHh\"><c>weight_hh</c>, [H, H].</param><param name=\"biasIh\"><c>bias_ih</c>, [H].</param><param name=\"biasHh\"><c>bias_hh</c>, [H].</param>");
        w.Line($"public void ImportPyTorch({ReadOnlySpan}<{e}> weightIh, {ReadOnlySpan}<{e}> weightHh, {ReadOnlySpan}<{e}> biasIh, {ReadOnlySpan}<{e}> biasHh) => FromPyTorchLayout(weightIh, weightHh, biasIh, biasHh, Parameters);");
        w.Line("/// <summary>Writes this cell's parameters as PyTorch <c>nn.RNN</c> tensors; see <see cref=\"ToPyTorchLayout\"/>.</summary>");
        w.Line("/// <param name=\"weightIh\"><c>weight_ih</c>, [H, I].</param><param name=\"weightHh\"><c>weight_hh</c>, [H, H].</param><param name=\"biasIh\"><c>bias_ih</c>, [H].</param><param name=\"biasHh\"><c>bias_hh</c>, [H].</param>");
        w.Line($"public void ExportPyTorch({Span}<{e}> weightIh, {Span}<{e}> weightHh, {Span}<{e}> biasIh, {Span}<{e}> biasHh) => ToPyTorchLayout(Parameters, weightIh, weightHh, biasIh, biasHh);");
        w.Line();
        w.Line("/// <summary>Fills every parameter from U(−1/√H, 1/√H), PyTorch's default RNN initialisation, with a seeded generator.</summary>");
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
        w.Line("// Tape regions, in order: inputs x_t [T·B·I], hidden h_0..h_T [(T+1)·B·H] (the outputs, from which both");
        w.Line("// activations' derivatives follow), pre-activation gradients [T·B·H], the weights in PyTorch's [H, I+H] order");
        w.Line("// [H·(I+H)], and the running dL/dh [B·H]. Regions are sized for the maximum T and B; rows use the actual B.");
        w.Line($"private static long SimdTapeLength(long t, long b) => (t * b * {I(l.I)}) + ((t + 1) * b * {I(l.H)}) + (t * b * {I(l.H)}) + {I((long)l.H * l.K)} + (b * {I(l.H)});");
        w.Line();
        w.Open($"private static void SimdRegions(global::Simd.Tape<{e}> tape, out {Span}<{e}> xs, out {Span}<{e}> hs, out {Span}<{e}> da, out {Span}<{e}> wt, out {Span}<{e}> dh)");
        w.Line("long t = tape.MaxSteps;");
        w.Line("long b = tape.MaxBatch;");
        w.Line($"{Span}<{e}> storage = tape.Storage;");
        w.Line("int at = 0;");
        var regions = new[]
        {
            ("xs", $"t * b * {I(l.I)}"), ("hs", $"(t + 1) * b * {I(l.H)}"), ("da", $"t * b * {I(l.H)}"),
            ("wt", I((long)l.H * l.K)), ("dh", $"b * {I(l.H)}"),
        };
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
        Dispatch(w, "Sequence", $"ref w, ref {Marshal}.GetReference(inputs), ref {Marshal}.GetReference(hidden), ref {Marshal}.GetReference(outputs), steps, batch");
        w.Line("outputs.Slice((steps - 1) * batch * HiddenSize, batch * HiddenSize).CopyTo(hidden);");
        w.Line("return;");
        w.Close();
        w.Line("SimdRegions(tape, out var xs, out var hs, out _, out _, out _);");
        w.Line("inputs.CopyTo(xs);");
        w.Line("hidden.CopyTo(hs);");
        Dispatch(w, "Sequence", $"ref w, ref {Marshal}.GetReference(xs), ref {Marshal}.GetReference(hs), ref {Marshal}.GetReference(hs.Slice(batch * HiddenSize)), steps, batch");
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
        w.Line(_spec.Relu
            ? "/// ReLU's derivative is taken as 0 where the pre-activation is exactly 0, as PyTorch does."
            : "/// tanh's derivative is taken from the recorded output as 1 − h².");
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
        w.Line("global::Simd.Guard.Length(outputGradients.Length, steps * batch * HiddenSize, nameof(outputGradients), \"steps × batch × HiddenSize = {0} × {1} × {2}\", steps, batch, HiddenSize);");
        w.Line("global::Simd.Guard.Length(finalHiddenGradient.Length, batch * HiddenSize, nameof(finalHiddenGradient), \"batch × HiddenSize = {0} × {1}\", batch, HiddenSize);");
        w.Line("global::Simd.Guard.Length(inputGradients.Length, steps * batch * InputSize, nameof(inputGradients), \"steps × batch × InputSize = {0} × {1} × {2}\", steps, batch, InputSize);");
        w.Line("global::Simd.Guard.Length(initialHiddenGradient.Length, batch * HiddenSize, nameof(initialHiddenGradient), \"batch × HiddenSize = {0} × {1}\", batch, HiddenSize);");
        w.Line("global::Simd.Guard.Length(parameterGradients.Length, ParameterCount, nameof(parameterGradients), \"ParameterCount\");");
        w.Line("SimdRegions(tape, out var xs, out var hs, out var da, out var wt, out var dh);");
        w.Line("SimdTranspose(Parameters, wt);");
        w.Line("finalHiddenGradient.CopyTo(dh);");
        Dispatch(w, "Backward", $"ref {Marshal}.GetReference(wt), ref {Marshal}.GetReference(xs), ref {Marshal}.GetReference(hs), ref {Marshal}.GetReference(da), ref {Marshal}.GetReference(dh), ref {Marshal}.GetReference(outputGradients), ref {Marshal}.GetReference(inputGradients), ref {Marshal}.GetReference(parameterGradients), steps, batch");
        w.Line("dh.Slice(0, batch * HiddenSize).CopyTo(initialHiddenGradient);");
        w.Line("// Both biases get the same gradient, Σ over steps and samples of da: sum once, into the weight-copy region,");
        w.Line("// which this pass no longer needs, then add the sums to both.");
        w.Line($"{Span}<{e}> biasSums = wt.Slice(0, HiddenSize);");
        w.Line("biasSums.Clear();");
        w.Line("global::Simd.Kernels.RowSums.AddTo(da.Slice(0, steps * batch * HiddenSize), HiddenSize, biasSums);");
        w.Line($"global::Simd.Kernels.RowSums.AddTo(biasSums, HiddenSize, parameterGradients.Slice({I(l.BiasIhOffset)}, HiddenSize));");
        w.Line($"global::Simd.Kernels.RowSums.AddTo(biasSums, HiddenSize, parameterGradients.Slice({I(l.BiasHhOffset)}, HiddenSize));");
        w.Close();
        w.Line();
        w.Line("/// <summary>Copies the weights into PyTorch's [H, I+H] order, so the input and state gradients are also contiguous vector loads.</summary>");
        w.Open($"private static void SimdTranspose({ReadOnlySpan}<{e}> w, {Span}<{e}> wt)");
        w.Open("for (int k = 0; k < InputSize + HiddenSize; k++)");
        w.Line("for (int u = 0; u < HiddenSize; u++) wt[(u * (InputSize + HiddenSize)) + k] = w[(k * HiddenSize) + u];");
        w.Close();
        w.Close();
    }

    private static void EmitLayoutChecks(SourceWriter w)
    {
        w.Line("global::Simd.Guard.Length(weightIh.Length, HiddenSize * InputSize, nameof(weightIh), \"HiddenSize × InputSize = {0} × {1}\", HiddenSize, InputSize);");
        w.Line("global::Simd.Guard.Length(weightHh.Length, HiddenSize * HiddenSize, nameof(weightHh), \"HiddenSize × HiddenSize = {0} × {1}\", HiddenSize, HiddenSize);");
        w.Line("global::Simd.Guard.Length(biasIh.Length, HiddenSize, nameof(biasIh), \"HiddenSize\");");
        w.Line("global::Simd.Guard.Length(biasHh.Length, HiddenSize, nameof(biasHh), \"HiddenSize\");");
        w.Line("global::Simd.Guard.Length(parameters.Length, ParameterCount, nameof(parameters), \"ParameterCount\");");
    }
}

using System;

namespace Simd.GradCheck;

/// <summary>
/// Ready-made gradient checks for Simd's double cells, networks and attention. Each builds the loss
/// L = Σ G ⊙ outputs (+ Σ g ⊙ final states for recurrent models) with weights G, g drawn uniformly from (−1, 1) with
/// <see cref="GradientCheckOptions.Seed"/>, runs the model's Backward once with those weights as output gradients, and
/// checks every parameter tensor (by PyTorch name and shape), every input and every initial state against central
/// finite differences of the model's own forward pass. The model's parameters are restored exactly; the input spans
/// are copied and never written.
/// </summary>
public static class CellGradientCheck
{
    /// <summary>Checks an LSTM cell's taped Backward through a sequence. Segments: the parameter tensors, <c>inputs</c> [T, B, I], <c>h0</c> [B, O], <c>c0</c> [B, H].</summary>
    /// <param name="cell">The cell, with the parameters to check at.</param>
    /// <param name="steps">T, at least 1.</param><param name="batch">B, at least 1.</param>
    /// <param name="inputs">[T, B, InputSize], time-major.</param><param name="hidden">h_0, [B, OutputSize].</param><param name="cellState">c_0, [B, HiddenSize].</param>
    /// <param name="options">Step, tolerances, sampling and seed; defaults when null.</param>
    /// <returns>The result.</returns>
    public static GradientCheckResult CheckCell(ILstmCell<double> cell, int steps, int batch, ReadOnlySpan<double> inputs, ReadOnlySpan<double> hidden, ReadOnlySpan<double> cellState, GradientCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(cell);
        int I = cell.InputSize, H = cell.HiddenSize, O = cell.OutputSize;
        CheckSequence(steps, batch, inputs.Length, I);
        Guard.Length(hidden.Length, (long)batch * O, nameof(hidden), "batch × OutputSize = {0} × {1}", batch, O);
        Guard.Length(cellState.Length, (long)batch * H, nameof(cellState), "batch × HiddenSize = {0} × {1}", batch, H);
        options = Validated(options);

        double[] x = inputs.ToArray(), h0 = hidden.ToArray(), c0 = cellState.ToArray();
        var random = LossWeightRandom(options);
        double[] outputWeights = Uniform(random, steps * batch * O), hiddenWeights = Uniform(random, batch * O), cellWeights = Uniform(random, batch * H);
        double[] h = new double[h0.Length], c = new double[c0.Length], outputs = new double[outputWeights.Length];

        var tape = cell.CreateTape(steps, batch);
        h0.CopyTo(h);
        c0.CopyTo(c);
        cell.Forward(steps, batch, x, h, c, outputs, tape);
        double[] dx = new double[x.Length], dh0 = new double[h0.Length], dc0 = new double[c0.Length], dTheta = new double[cell.ParameterCount];
        cell.Backward(tape, outputWeights, hiddenWeights, cellWeights, dx, dh0, dc0, dTheta);

        double Loss()
        {
            h0.CopyTo(h);
            c0.CopyTo(c);
            cell.Forward(steps, batch, x, h, c, outputs, tape: null);
            return Dot(outputs, outputWeights) + Dot(h, hiddenWeights) + Dot(c, cellWeights);
        }

        return new GradientCheck()
            .AddParameters(cell, dTheta)
            .Add("inputs", x, dx, [steps, batch, I])
            .Add("h0", h0, dh0, [batch, O])
            .Add("c0", c0, dc0, [batch, H])
            .Run(Loss, options);
    }

    /// <summary>Checks a GRU or RNN cell's taped Backward through a sequence. Segments: the parameter tensors, <c>inputs</c> [T, B, I], <c>h0</c> [B, H].</summary>
    /// <param name="cell">The cell, with the parameters to check at.</param>
    /// <param name="steps">T, at least 1.</param><param name="batch">B, at least 1.</param>
    /// <param name="inputs">[T, B, InputSize], time-major.</param><param name="hidden">h_0, [B, HiddenSize].</param>
    /// <param name="options">Step, tolerances, sampling and seed; defaults when null.</param>
    /// <returns>The result.</returns>
    public static GradientCheckResult CheckCell(IHiddenStateCell<double> cell, int steps, int batch, ReadOnlySpan<double> inputs, ReadOnlySpan<double> hidden, GradientCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(cell);
        int I = cell.InputSize, H = cell.HiddenSize;
        CheckSequence(steps, batch, inputs.Length, I);
        Guard.Length(hidden.Length, (long)batch * H, nameof(hidden), "batch × HiddenSize = {0} × {1}", batch, H);
        options = Validated(options);

        double[] x = inputs.ToArray(), h0 = hidden.ToArray();
        var random = LossWeightRandom(options);
        double[] outputWeights = Uniform(random, steps * batch * H), hiddenWeights = Uniform(random, batch * H);
        double[] h = new double[h0.Length], outputs = new double[outputWeights.Length];

        var tape = cell.CreateTape(steps, batch);
        h0.CopyTo(h);
        cell.Forward(steps, batch, x, h, outputs, tape);
        double[] dx = new double[x.Length], dh0 = new double[h0.Length], dTheta = new double[cell.ParameterCount];
        cell.Backward(tape, outputWeights, hiddenWeights, dx, dh0, dTheta);

        double Loss()
        {
            h0.CopyTo(h);
            cell.Forward(steps, batch, x, h, outputs, tape: null);
            return Dot(outputs, outputWeights) + Dot(h, hiddenWeights);
        }

        return new GradientCheck()
            .AddParameters(cell, dTheta)
            .Add("inputs", x, dx, [steps, batch, I])
            .Add("h0", h0, dh0, [batch, H])
            .Run(Loss, options);
    }

    /// <summary>
    /// Checks a layered LSTM network's Backward. Segments: every tensor of <see cref="IRecurrentNetwork{T}.PyTorchParameterNames"/>,
    /// <c>inputs</c> [T, B, InputSize], <c>h0</c> [L·D, B, StateSize], <c>c0</c> [L·D, B, HiddenSize].
    /// </summary>
    /// <param name="network">The network, with the parameters to check at.</param>
    /// <param name="steps">T, at least 1.</param><param name="batch">B, at least 1.</param>
    /// <param name="inputs">[T, B, InputSize], time-major.</param><param name="hidden">h_0, [L·D, B, StateSize].</param><param name="cellState">c_0, [L·D, B, HiddenSize].</param>
    /// <param name="options">Step, tolerances, sampling and seed; defaults when null.</param>
    /// <returns>The result.</returns>
    public static GradientCheckResult CheckNetwork(ILstmNetwork<double> network, int steps, int batch, ReadOnlySpan<double> inputs, ReadOnlySpan<double> hidden, ReadOnlySpan<double> cellState, GradientCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        int I = network.InputSize, H = network.HiddenSize, S = network.StateSize, states = network.Layers * network.Directions;
        CheckSequence(steps, batch, inputs.Length, I);
        Guard.Length(hidden.Length, (long)states * batch * S, nameof(hidden), "Layers·Directions × batch × StateSize = {0} × {1} × {2}", states, batch, S);
        Guard.Length(cellState.Length, (long)states * batch * H, nameof(cellState), "Layers·Directions × batch × HiddenSize = {0} × {1} × {2}", states, batch, H);
        options = Validated(options);

        double[] x = inputs.ToArray(), h0 = hidden.ToArray(), c0 = cellState.ToArray();
        var random = LossWeightRandom(options);
        double[] outputWeights = Uniform(random, steps * batch * network.OutputSize), hiddenWeights = Uniform(random, h0.Length), cellWeights = Uniform(random, c0.Length);
        double[] h = new double[h0.Length], c = new double[c0.Length], outputs = new double[outputWeights.Length];

        var tape = network.CreateTape(steps, batch);
        h0.CopyTo(h);
        c0.CopyTo(c);
        network.Forward(steps, batch, x, h, c, outputs, tape);
        double[] dx = new double[x.Length], dh0 = new double[h0.Length], dc0 = new double[c0.Length], dTheta = new double[network.ParameterCount];
        network.Backward(tape, outputWeights, hiddenWeights, cellWeights, dx, dh0, dc0, dTheta);

        // A network's forward always records; the loss reuses the tape after the backward pass is done with it.
        double Loss()
        {
            h0.CopyTo(h);
            c0.CopyTo(c);
            network.Forward(steps, batch, x, h, c, outputs, tape);
            return Dot(outputs, outputWeights) + Dot(h, hiddenWeights) + Dot(c, cellWeights);
        }

        return new GradientCheck()
            .AddParameters(network, dTheta)
            .Add("inputs", x, dx, [steps, batch, I])
            .Add("h0", h0, dh0, [states, batch, S])
            .Add("c0", c0, dc0, [states, batch, H])
            .Run(Loss, options);
    }

    /// <summary>Checks a layered GRU or RNN network's Backward. Segments: every PyTorch tensor, <c>inputs</c> [T, B, InputSize], <c>h0</c> [L·D, B, HiddenSize].</summary>
    /// <param name="network">The network, with the parameters to check at.</param>
    /// <param name="steps">T, at least 1.</param><param name="batch">B, at least 1.</param>
    /// <param name="inputs">[T, B, InputSize], time-major.</param><param name="hidden">h_0, [L·D, B, HiddenSize].</param>
    /// <param name="options">Step, tolerances, sampling and seed; defaults when null.</param>
    /// <returns>The result.</returns>
    public static GradientCheckResult CheckNetwork(IHiddenStateNetwork<double> network, int steps, int batch, ReadOnlySpan<double> inputs, ReadOnlySpan<double> hidden, GradientCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        int I = network.InputSize, H = network.HiddenSize, states = network.Layers * network.Directions;
        CheckSequence(steps, batch, inputs.Length, I);
        Guard.Length(hidden.Length, (long)states * batch * H, nameof(hidden), "Layers·Directions × batch × HiddenSize = {0} × {1} × {2}", states, batch, H);
        options = Validated(options);

        double[] x = inputs.ToArray(), h0 = hidden.ToArray();
        var random = LossWeightRandom(options);
        double[] outputWeights = Uniform(random, steps * batch * network.OutputSize), hiddenWeights = Uniform(random, h0.Length);
        double[] h = new double[h0.Length], outputs = new double[outputWeights.Length];

        var tape = network.CreateTape(steps, batch);
        h0.CopyTo(h);
        network.Forward(steps, batch, x, h, outputs, tape);
        double[] dx = new double[x.Length], dh0 = new double[h0.Length], dTheta = new double[network.ParameterCount];
        network.Backward(tape, outputWeights, hiddenWeights, dx, dh0, dTheta);

        double Loss()
        {
            h0.CopyTo(h);
            network.Forward(steps, batch, x, h, outputs, tape);
            return Dot(outputs, outputWeights) + Dot(h, hiddenWeights);
        }

        return new GradientCheck()
            .AddParameters(network, dTheta)
            .Add("inputs", x, dx, [steps, batch, I])
            .Add("h0", h0, dh0, [states, batch, H])
            .Run(Loss, options);
    }

    /// <summary>
    /// Checks a single-head attention decoder: one <c>Prepare</c> of the memory, then <paramref name="decoderSteps"/>
    /// steps, each followed by its <c>StepBackward</c>, then <c>PrepareBackward</c>. The loss is Σ_s ⟨G_s, context_s⟩.
    /// Segments: the parameter tensors, <c>queries</c> [S, B, Q], <c>keys</c> [B, T, K], <c>values</c> [B, T, V].
    /// </summary>
    /// <param name="cell">The cell, with the parameters to check at.</param>
    /// <param name="decoderSteps">S, the number of decoder steps, at least 1.</param>
    /// <param name="keyCount">T, at least 1.</param><param name="batch">B, at least 1.</param>
    /// <param name="queries">[S, B, QuerySize]: step s's queries are the s-th block of B × QuerySize.</param>
    /// <param name="keys">[B, T, KeySize].</param><param name="values">[B, T, ValueSize].</param>
    /// <param name="lengths">[B] valid keys per sample, or empty for all T.</param>
    /// <param name="options">Step, tolerances, sampling and seed; defaults when null.</param>
    /// <returns>The result.</returns>
    public static GradientCheckResult CheckAttention(ISingleHeadAttention<double> cell, int decoderSteps, int keyCount, int batch, ReadOnlySpan<double> queries, ReadOnlySpan<double> keys, ReadOnlySpan<double> values, ReadOnlySpan<int> lengths, GradientCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(cell);
        int S = decoderSteps, T = keyCount, B = batch, Q = cell.QuerySize, K = cell.KeySize, V = cell.ValueSize;
        Guard.Count(S, int.MaxValue, nameof(decoderSteps));
        Guard.Count(T, int.MaxValue, nameof(keyCount));
        Guard.Count(B, int.MaxValue, nameof(batch));
        Guard.Length(queries.Length, (long)S * B * Q, nameof(queries), "decoderSteps × batch × QuerySize = {0} × {1} × {2}", S, B, Q);
        Guard.Length(keys.Length, (long)B * T * K, nameof(keys), "batch × keyCount × KeySize = {0} × {1} × {2}", B, T, K);
        Guard.Length(values.Length, (long)B * T * V, nameof(values), "batch × keyCount × ValueSize = {0} × {1} × {2}", B, T, V);
        options = Validated(options);

        double[] q = queries.ToArray(), k = keys.ToArray(), v = values.ToArray();
        var validLengths = lengths.ToArray();
        var contextWeights = Uniform(LossWeightRandom(options), S * B * V);
        var workspace = cell.CreateWorkspace(T, B);
        var context = new double[B * V];

        // Prepare validates the memory and the lengths before the analytic pass.
        cell.Prepare(T, B, k, v, validLengths, workspace);
        double[] dq = new double[q.Length], dk = new double[k.Length], dv = new double[v.Length], dTheta = new double[cell.ParameterCount];
        for (var s = 0; s < S; s++)
        {
            cell.Step(q.AsSpan(s * B * Q, B * Q), workspace, context, Span<double>.Empty);
            cell.StepBackward(q.AsSpan(s * B * Q, B * Q), workspace, contextWeights.AsSpan(s * B * V, B * V), dq.AsSpan(s * B * Q, B * Q), dTheta);
        }

        cell.PrepareBackward(workspace, dk, dv, dTheta);

        double Loss()
        {
            cell.Prepare(T, B, k, v, validLengths, workspace);
            var loss = 0.0;
            for (var s = 0; s < S; s++)
            {
                cell.Step(q.AsSpan(s * B * Q, B * Q), workspace, context, Span<double>.Empty);
                loss += Dot(context, contextWeights.AsSpan(s * B * V, B * V));
            }

            return loss;
        }

        return new GradientCheck()
            .AddParameters(cell, dTheta)
            .Add("queries", q, dq, [S, B, Q])
            .Add("keys", k, dk, [B, T, K])
            .Add("values", v, dv, [B, T, V])
            .Run(Loss, options);
    }

    /// <summary>
    /// Checks multi-head attention's Backward for one Forward; the loss is ⟨G, output⟩. Segments: the parameter tensors
    /// (<c>in_proj_weight</c> [3E, E], …), <c>query</c> [B, Tq, E], <c>key</c> and <c>value</c> [B, Tk, E].
    /// </summary>
    /// <param name="cell">The cell, with the parameters to check at.</param>
    /// <param name="queryCount">Tq, at least 1.</param><param name="keyCount">Tk, at least 1.</param><param name="batch">B, at least 1.</param>
    /// <param name="query">[B, Tq, E].</param><param name="key">[B, Tk, E].</param><param name="value">[B, Tk, E].</param>
    /// <param name="keyLengths">[B] valid keys per sample, or empty for all.</param>
    /// <param name="causal">Whether query i may only see keys j ≤ i (needs Tq = Tk).</param>
    /// <param name="options">Step, tolerances, sampling and seed; defaults when null.</param>
    /// <returns>The result.</returns>
    public static GradientCheckResult CheckAttention(IMultiHeadAttention<double> cell, int queryCount, int keyCount, int batch, ReadOnlySpan<double> query, ReadOnlySpan<double> key, ReadOnlySpan<double> value, ReadOnlySpan<int> keyLengths, bool causal, GradientCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(cell);
        int Tq = queryCount, Tk = keyCount, B = batch, E = cell.ModelSize;
        Guard.Count(Tq, int.MaxValue, nameof(queryCount));
        Guard.Count(Tk, int.MaxValue, nameof(keyCount));
        Guard.Count(B, int.MaxValue, nameof(batch));
        Guard.Length(query.Length, (long)B * Tq * E, nameof(query), "batch × queryCount × ModelSize = {0} × {1} × {2}", B, Tq, E);
        Guard.Length(key.Length, (long)B * Tk * E, nameof(key), "batch × keyCount × ModelSize = {0} × {1} × {2}", B, Tk, E);
        Guard.Length(value.Length, (long)B * Tk * E, nameof(value), "batch × keyCount × ModelSize = {0} × {1} × {2}", B, Tk, E);
        options = Validated(options);

        double[] q = query.ToArray(), k = key.ToArray(), v = value.ToArray();
        var validLengths = keyLengths.ToArray();
        var outputWeights = Uniform(LossWeightRandom(options), B * Tq * E);
        var workspace = cell.CreateWorkspace(Math.Max(Tq, Tk), B);
        var output = new double[outputWeights.Length];

        cell.Forward(Tq, Tk, B, q, k, v, validLengths, causal, output, Span<double>.Empty, workspace);
        double[] dq = new double[q.Length], dk = new double[k.Length], dv = new double[v.Length], dTheta = new double[cell.ParameterCount];
        cell.Backward(workspace, outputWeights, dq, dk, dv, dTheta);

        double Loss()
        {
            cell.Forward(Tq, Tk, B, q, k, v, validLengths, causal, output, Span<double>.Empty, workspace);
            return Dot(output, outputWeights);
        }

        return new GradientCheck()
            .AddParameters(cell, dTheta)
            .Add("query", q, dq, [B, Tq, E])
            .Add("key", k, dk, [B, Tk, E])
            .Add("value", v, dv, [B, Tk, E])
            .Run(Loss, options);
    }

    private static void CheckSequence(int steps, int batch, int inputLength, int inputSize)
    {
        Guard.Count(steps, int.MaxValue, nameof(steps));
        Guard.Count(batch, int.MaxValue, nameof(batch));
        Guard.Length(inputLength, (long)steps * batch * inputSize, "inputs", "steps × batch × InputSize = {0} × {1} × {2}", steps, batch, inputSize);
    }

    private static GradientCheckOptions Validated(GradientCheckOptions? options)
    {
        options ??= GradientCheckOptions.Default;
        options.Validate(nameof(options));
        return options;
    }

    /// <summary>The loss weights' generator: seeded by the options, but a different stream from the element sample.</summary>
    private static Random LossWeightRandom(GradientCheckOptions options) => new(unchecked(options.Seed ^ 0x5EED1E55));

    private static double[] Uniform(Random random, int count)
    {
        var values = new double[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = (2 * random.NextDouble()) - 1;
        }

        return values;
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }
}

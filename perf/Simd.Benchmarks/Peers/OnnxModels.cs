using System;

namespace Simd.Benchmarks.Peers;

/// <summary>
/// The ONNX models the peer benchmarks give ONNX Runtime, built from the same PyTorch-layout parameters the Simd cells
/// import. Recurrent layers are single ONNX LSTM / GRU / RNN nodes (forward direction, time-major X [T, B, I]);
/// attention is composed from standard operators (Gemm, MatMul, Softmax, Split, Concat, Reshape, Transpose).
/// </summary>
internal static class OnnxModels
{
    // For each ONNX gate block, the PyTorch block that holds it: ONNX LSTM is i, o, f, c (PyTorch i, f, g, o);
    // ONNX GRU is z, r, h (PyTorch r, z, n); the RNN has one block.
    private static readonly int[] LstmBlocks = [0, 3, 1, 2];
    private static readonly int[] GruBlocks = [1, 0, 2];
    private static readonly int[] RnnBlocks = [0];

    /// <summary>
    /// One ONNX LSTM node. Inputs X [T, B, I], initial_h and initial_c [1, B, H]; outputs Y_h and Y_c [1, B, H], and Y
    /// [T, 1, B, H] when <paramref name="sequenceOutput"/>.
    /// </summary>
    public static byte[] Lstm(int steps, int batch, int inputSize, int hiddenSize, ScalarLstm parameters, bool sequenceOutput)
        => Recurrent("LSTM", LstmBlocks, GateConvention.OnnxLstm, steps, batch, inputSize, hiddenSize, sequenceOutput,
            parameters.WeightIh, parameters.WeightHh, parameters.BiasIh, parameters.BiasHh);

    /// <summary>
    /// One ONNX GRU node with linear_before_reset = 1 (PyTorch's and Simd's reset-after GRU). Inputs X [T, B, I] and
    /// initial_h; output Y_h [1, B, H], and Y [T, 1, B, H] when <paramref name="sequenceOutput"/>.
    /// </summary>
    public static byte[] Gru(int inputSize, int hiddenSize, ScalarGru parameters, int steps = 1, int batch = 1, bool sequenceOutput = false)
        => Recurrent("GRU", GruBlocks, GateConvention.OnnxGru, steps, batch, inputSize, hiddenSize, sequenceOutput,
            parameters.WeightIh, parameters.WeightHh, parameters.BiasIh, parameters.BiasHh,
            OnnxGraph.Int("linear_before_reset", 1));

    /// <summary>
    /// One ONNX RNN node with its default Tanh activation. Inputs X [T, B, I] and initial_h; output Y_h [1, B, H], and
    /// Y [T, 1, B, H] when <paramref name="sequenceOutput"/>.
    /// </summary>
    public static byte[] Rnn(int inputSize, int hiddenSize, ScalarRnn parameters, int steps = 1, int batch = 1, bool sequenceOutput = false)
        => Recurrent("RNN", RnnBlocks, null, steps, batch, inputSize, hiddenSize, sequenceOutput,
            parameters.WeightIh, parameters.WeightHh, parameters.BiasIh, parameters.BiasHh,
            OnnxGraph.Strings("activations", "Tanh"));

    /// <summary>
    /// Single-head dot-product decode step over a fixed memory (Luong's dot score, no scaling): input query [1, d];
    /// outputs weights = softmax(query · keysᵀ) [1, T] and context = weights · values [1, d]. Keys and values are
    /// constants of the model, the way a decoder prepares its encoder memory once per source sequence.
    /// </summary>
    public static byte[] DotAttentionDecode(int keyCount, int size, ReadOnlySpan<float> keys, ReadOnlySpan<float> values)
    {
        var graph = new OnnxGraph("dot_attention_decode");
        graph.Input("query", 1, size);
        graph.Output("weights", 1, keyCount);
        graph.Output("context", 1, size);
        graph.Constant("keys", keys, keyCount, size);
        graph.Constant("values", values, keyCount, size);
        graph.Node("Gemm", ["query", "keys"], ["scores"], OnnxGraph.Int("transB", 1));
        graph.Node("Softmax", ["scores"], ["weights"], OnnxGraph.Int("axis", -1));
        graph.Node("MatMul", ["weights", "values"], ["context"]);
        return graph.ToModel();
    }

    /// <summary>
    /// Single-head additive (Bahdanau) decode step over a fixed memory: input query [1, Q]; outputs weights =
    /// softmax_j(vᵀ tanh(W_q q + b + W_k k_j)) [1, T] and context = weights · values [1, V]. The projected keys W_k k_j
    /// [T, A] and the values are model constants, computed once per source sequence as Simd's Prepare does.
    /// </summary>
    public static byte[] AdditiveAttentionDecode(int keyCount, ScalarAdditiveAttention parameters, ReadOnlySpan<float> projectedKeys, ReadOnlySpan<float> values)
    {
        int q = parameters.QuerySize, a = parameters.AttentionSize, v = parameters.ValueSize;
        var graph = new OnnxGraph("additive_attention_decode");
        graph.Input("query", 1, q);
        graph.Output("weights", 1, keyCount);
        graph.Output("context", 1, v);
        graph.Constant("query_weight", parameters.QueryWeight, a, q);
        graph.Constant("bias", parameters.Bias, a);
        graph.Constant("projected_keys", projectedKeys, keyCount, a);
        graph.Constant("score_weight", parameters.ScoreWeight, a, 1);
        graph.Constant("values", values, keyCount, v);
        graph.Constant("scores_shape", 1, keyCount);
        graph.Node("Gemm", ["query", "query_weight", "bias"], ["hidden"], OnnxGraph.Int("transB", 1));  // [1, A]
        graph.Node("Add", ["projected_keys", "hidden"], ["sums"]);                                        // [T, A]
        graph.Node("Tanh", ["sums"], ["activations"]);
        graph.Node("MatMul", ["activations", "score_weight"], ["score_column"]);                          // [T, 1]
        graph.Node("Reshape", ["score_column", "scores_shape"], ["scores"]);                              // [1, T]
        graph.Node("Softmax", ["scores"], ["weights"], OnnxGraph.Int("axis", -1));
        graph.Node("MatMul", ["weights", "values"], ["context"]);
        return graph.ToModel();
    }

    /// <summary>
    /// One decode step of PyTorch's <c>nn.MultiheadAttention</c> (self-attention, model <paramref name="modelSize"/>,
    /// <paramref name="heads"/> heads) with a key/value cache in the usual ONNX past/present form: inputs token [1, E],
    /// past_key and past_value [P, E] (projected keys and values of the earlier tokens); outputs output [1, E] and
    /// present_key / present_value [P + 1, E] (the cache with this token appended).
    /// </summary>
    public static byte[] MultiHeadDecode(int modelSize, int heads, int pastTokens, ScalarMultiHeadAttention parameters)
    {
        int e = modelSize, d = modelSize / heads, tokens = pastTokens + 1;
        var graph = new OnnxGraph("multi_head_decode");
        graph.Input("token", 1, e);
        graph.Input("past_key", pastTokens, e);
        graph.Input("past_value", pastTokens, e);
        graph.Output("output", 1, e);
        graph.Output("present_key", tokens, e);
        graph.Output("present_value", tokens, e);
        graph.Constant("in_proj_weight", parameters.InProjWeight, 3 * e, e);
        graph.Constant("in_proj_bias", parameters.InProjBias, 3 * e);
        graph.Constant("out_proj_weight", parameters.OutProjWeight, e, e);
        graph.Constant("out_proj_bias", parameters.OutProjBias, e);
        graph.Constant("scale", [1f / MathF.Sqrt(d)], 1);
        graph.Constant("query_heads_shape", heads, 1, d);
        graph.Constant("cache_heads_shape", tokens, heads, d);
        graph.Constant("row_shape", 1, e);

        graph.Node("Gemm", ["token", "in_proj_weight", "in_proj_bias"], ["qkv"], OnnxGraph.Int("transB", 1));
        graph.Node("Split", ["qkv"], ["q", "k", "v"], OnnxGraph.Int("axis", 1));
        graph.Node("Concat", ["past_key", "k"], ["present_key"], OnnxGraph.Int("axis", 0));
        graph.Node("Concat", ["past_value", "v"], ["present_value"], OnnxGraph.Int("axis", 0));
        graph.Node("Mul", ["q", "scale"], ["q_scaled"]);
        graph.Node("Reshape", ["q_scaled", "query_heads_shape"], ["q_heads"]);                 // [H, 1, d]
        graph.Node("Reshape", ["present_key", "cache_heads_shape"], ["k_tokens"]);             // [T, H, d]
        graph.Node("Transpose", ["k_tokens"], ["k_heads"], OnnxGraph.Ints("perm", 1, 2, 0));   // [H, d, T]
        graph.Node("MatMul", ["q_heads", "k_heads"], ["scores"]);                              // [H, 1, T]
        graph.Node("Softmax", ["scores"], ["probabilities"], OnnxGraph.Int("axis", -1));
        graph.Node("Reshape", ["present_value", "cache_heads_shape"], ["v_tokens"]);           // [T, H, d]
        graph.Node("Transpose", ["v_tokens"], ["v_heads"], OnnxGraph.Ints("perm", 1, 0, 2));   // [H, T, d]
        graph.Node("MatMul", ["probabilities", "v_heads"], ["context_heads"]);                 // [H, 1, d]
        graph.Node("Reshape", ["context_heads", "row_shape"], ["context"]);                    // [1, E], heads concatenated
        graph.Node("Gemm", ["context", "out_proj_weight", "out_proj_bias"], ["output"], OnnxGraph.Int("transB", 1));
        return graph.ToModel();
    }

    private static byte[] Recurrent(
        string opType, int[] blocks, GateConvention? convention, int steps, int batch, int inputSize, int hiddenSize, bool sequenceOutput,
        float[] weightIh, float[] weightHh, float[] biasIh, float[] biasHh, params Onnx.AttributeProto[] attributes)
    {
        bool hasCell = opType == "LSTM";
        int gates = blocks.Length;
        var graph = new OnnxGraph(opType.ToLowerInvariant());
        graph.Input("X", steps, batch, inputSize);
        graph.Input("initial_h", 1, batch, hiddenSize);
        if (hasCell)
        {
            graph.Input("initial_c", 1, batch, hiddenSize);
        }

        if (sequenceOutput)
        {
            graph.Output("Y", steps, 1, batch, hiddenSize);
        }

        graph.Output("Y_h", 1, batch, hiddenSize);
        if (hasCell)
        {
            graph.Output("Y_c", 1, batch, hiddenSize);
        }

        // ONNX wants W [1, gH, I], R [1, gH, H] and B [1, 2gH] = [Wb, Rb], all in its own gate order.
        float[] bias = [.. ToOnnx(biasIh, blocks, hiddenSize, 1, convention), .. ToOnnx(biasHh, blocks, hiddenSize, 1, convention)];
        graph.Constant("W", ToOnnx(weightIh, blocks, hiddenSize, inputSize, convention), 1, gates * hiddenSize, inputSize);
        graph.Constant("R", ToOnnx(weightHh, blocks, hiddenSize, hiddenSize, convention), 1, gates * hiddenSize, hiddenSize);
        graph.Constant("B", bias, 1, 2 * gates * hiddenSize);

        string[] inputs = hasCell ? ["X", "W", "R", "B", "", "initial_h", "initial_c"] : ["X", "W", "R", "B", "", "initial_h"];
        string[] outputs = hasCell ? [sequenceOutput ? "Y" : "", "Y_h", "Y_c"] : [sequenceOutput ? "Y" : "", "Y_h"];
        graph.Node(opType, inputs, outputs, [OnnxGraph.Int("hidden_size", hiddenSize), .. attributes]);
        return graph.ToModel();
    }

    /// <summary>
    /// Reorders a PyTorch [gH, columns] tensor into ONNX's gate order, and checks the result against the library's own
    /// <see cref="GateOrder.ToPyTorch"/> (the direction users import ONNX weights in), so the two cannot drift apart.
    /// </summary>
    private static float[] ToOnnx(float[] pytorch, int[] blocks, int hiddenSize, int columns, GateConvention? convention)
    {
        int blockLength = hiddenSize * columns;
        var onnx = new float[pytorch.Length];
        for (int block = 0; block < blocks.Length; block++)
        {
            pytorch.AsSpan(blocks[block] * blockLength, blockLength).CopyTo(onnx.AsSpan(block * blockLength));
        }

        if (convention is { } from)
        {
            var back = new float[onnx.Length];
            GateOrder.ToPyTorch<float>(onnx, back, from, hiddenSize, columns);
            if (!back.AsSpan().SequenceEqual(pytorch))
            {
                throw new InvalidOperationException($"Gate reordering to {from} does not invert GateOrder.ToPyTorch.");
            }
        }

        return onnx;
    }
}

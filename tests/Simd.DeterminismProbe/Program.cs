using System;
using System.Collections.Generic;
using System.IO;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using Simd;
using Simd.DeterminismProbe;

// Usage: Simd.DeterminismProbe [values-file]. Prints which vector widths this process accelerates, then one line per
// case: its name and the SHA-256 of every output and gradient bit. With a file argument it also writes the values,
// so a test can say how far the fast mode's paths differ.
var probe = new Probe();
foreach (var prefix in new[] { "deterministic", "fast" })
{
    var fixedOrder = prefix == "deterministic";
    probe.Lstm<float>(prefix + "/lstm", fixedOrder ? new DeterministicLstm() : new FastLstm());
    probe.Lstm<float>(prefix + "/lstm-projected", fixedOrder ? new DeterministicProjectedLstm() : new FastProjectedLstm());
    probe.Lstm<double>(prefix + "/lstm-double", fixedOrder ? new DeterministicLstmDouble() : new FastLstmDouble());
    probe.LstmNetwork<float>(prefix + "/lstm-2-layer-bidirectional", fixedOrder ? new DeterministicLstmNetwork() : new FastLstmNetwork());
    probe.HiddenState<float>(prefix + "/gru", fixedOrder ? new DeterministicGru() : new FastGru());
    probe.HiddenState<float>(prefix + "/gru-reset-before", fixedOrder ? new DeterministicGruResetBefore() : new FastGruResetBefore());
    probe.HiddenState<float>(prefix + "/rnn-tanh", fixedOrder ? new DeterministicRnn() : new FastRnn());
    probe.HiddenStateNetwork<float>(prefix + "/rnn-relu-2-layer-bidirectional", fixedOrder ? new DeterministicRnnNetwork() : new FastRnnNetwork());
    probe.SingleHead<float>(prefix + "/additive", fixedOrder ? new DeterministicAdditive() : new FastAdditive());
    probe.SingleHead<float>(prefix + "/luong-dot", fixedOrder ? new DeterministicLuongDot() : new FastLuongDot());
    probe.SingleHead<float>(prefix + "/luong-general", fixedOrder ? new DeterministicLuongGeneral() : new FastLuongGeneral());
    probe.SingleHead<float>(prefix + "/luong-concat", fixedOrder ? new DeterministicLuongConcat() : new FastLuongConcat());
    probe.MultiHead<float>(prefix + "/multi-head", fixedOrder ? new DeterministicMultiHead() : new FastMultiHead());
    probe.Dense<float>(prefix + "/dense-tanh", fixedOrder ? new DeterministicDenseTanh() : new FastDenseTanh());
    probe.Dense<float>(prefix + "/dense-sigmoid", fixedOrder ? new DeterministicDenseSigmoid() : new FastDenseSigmoid());
}

Console.WriteLine($"accelerated 512:{Vector512.IsHardwareAccelerated} 256:{Vector256.IsHardwareAccelerated} 128:{Vector128.IsHardwareAccelerated}");
foreach (var (name, values) in probe.Cases)
{
    Console.WriteLine($"{name} {Convert.ToHexString(SHA256.HashData(MemoryMarshal.AsBytes(values.ToArray().AsSpan())))}");
}

if (args.Length > 0)
{
    using var writer = new BinaryWriter(File.Create(args[0]));
    writer.Write(probe.Cases.Count);
    foreach (var (name, values) in probe.Cases)
    {
        writer.Write(name);
        writer.Write(values.Count);
        foreach (var value in values)
        {
            writer.Write(value);
        }
    }
}

namespace Simd.DeterminismProbe
{
    /// <summary>Seeded forward and backward passes; every result is recorded, widened to double (exactly) for the file.</summary>
    internal sealed class Probe
    {
        private const int Steps = 4, Batch = 5, Keys = 23;

        public List<(string Name, List<double> Values)> Cases { get; } = new();

        public void Lstm<T>(string name, ILstmCell<T> cell)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            cell.InitializeParameters(11);
            int I = cell.InputSize, H = cell.HiddenSize, O = cell.OutputSize;
            var random = new Random(1);
            T[] x = Fill<T>(random, Steps * Batch * I), h = Fill<T>(random, Batch * O), c = Fill<T>(random, Batch * H), outputs = new T[Steps * Batch * O];
            var tape = cell.CreateTape(Steps, Batch);
            cell.Forward(Steps, Batch, x, h, c, outputs, tape);
            T[] dOut = Fill<T>(random, outputs.Length), dh = Fill<T>(random, h.Length), dc = Fill<T>(random, c.Length);
            T[] dx = new T[x.Length], dh0 = new T[h.Length], dc0 = new T[c.Length], dTheta = new T[cell.ParameterCount];
            cell.Backward(tape, dOut, dh, dc, dx, dh0, dc0, dTheta);

            // The inference paths: one step of one agent, and one batched step.
            T[] stepH = Fill<T>(random, O), stepC = Fill<T>(random, H);
            cell.Step(x.AsSpan(0, I), stepH, stepC);
            T[] batchH = Fill<T>(random, Batch * O), batchC = Fill<T>(random, Batch * H);
            cell.StepBatch(x.AsSpan(0, Batch * I), batchH, batchC);
            Record(name, outputs, h, c, dx, dh0, dc0, dTheta, stepH, stepC, batchH, batchC);
        }

        public void HiddenState<T>(string name, IHiddenStateCell<T> cell)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            cell.InitializeParameters(12);
            int I = cell.InputSize, H = cell.HiddenSize;
            var random = new Random(2);
            T[] x = Fill<T>(random, Steps * Batch * I), h = Fill<T>(random, Batch * H), outputs = new T[Steps * Batch * H];
            var tape = cell.CreateTape(Steps, Batch);
            cell.Forward(Steps, Batch, x, h, outputs, tape);
            T[] dOut = Fill<T>(random, outputs.Length), dh = Fill<T>(random, h.Length);
            T[] dx = new T[x.Length], dh0 = new T[h.Length], dTheta = new T[cell.ParameterCount];
            cell.Backward(tape, dOut, dh, dx, dh0, dTheta);
            T[] stepH = Fill<T>(random, H), batchH = Fill<T>(random, Batch * H);
            cell.Step(x.AsSpan(0, I), stepH);
            cell.StepBatch(x.AsSpan(0, Batch * I), batchH);
            Record(name, outputs, h, dx, dh0, dTheta, stepH, batchH);
        }

        public void LstmNetwork<T>(string name, ILstmNetwork<T> network)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            network.InitializeParameters(13);
            var states = network.Layers * network.Directions;
            var random = new Random(3);
            T[] x = Fill<T>(random, Steps * Batch * network.InputSize), h = Fill<T>(random, states * Batch * network.StateSize), c = Fill<T>(random, states * Batch * network.HiddenSize);
            var outputs = new T[Steps * Batch * network.OutputSize];
            var tape = network.CreateTape(Steps, Batch);
            network.Forward(Steps, Batch, x, h, c, outputs, tape);
            T[] dOut = Fill<T>(random, outputs.Length), dh = Fill<T>(random, h.Length), dc = Fill<T>(random, c.Length);
            T[] dx = new T[x.Length], dh0 = new T[h.Length], dc0 = new T[c.Length], dTheta = new T[network.ParameterCount];
            network.Backward(tape, dOut, dh, dc, dx, dh0, dc0, dTheta);
            Record(name, outputs, h, c, dx, dh0, dc0, dTheta);
        }

        public void HiddenStateNetwork<T>(string name, IHiddenStateNetwork<T> network)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            network.InitializeParameters(14);
            var states = network.Layers * network.Directions;
            var random = new Random(4);
            T[] x = Fill<T>(random, Steps * Batch * network.InputSize), h = Fill<T>(random, states * Batch * network.HiddenSize);
            var outputs = new T[Steps * Batch * network.OutputSize];
            var tape = network.CreateTape(Steps, Batch);
            network.Forward(Steps, Batch, x, h, outputs, tape);
            T[] dOut = Fill<T>(random, outputs.Length), dh = Fill<T>(random, h.Length);
            T[] dx = new T[x.Length], dh0 = new T[h.Length], dTheta = new T[network.ParameterCount];
            network.Backward(tape, dOut, dh, dx, dh0, dTheta);
            Record(name, outputs, h, dx, dh0, dTheta);
        }

        public void SingleHead<T>(string name, ISingleHeadAttention<T> cell)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            cell.InitializeParameters(15);
            int Q = cell.QuerySize, K = cell.KeySize, V = cell.ValueSize;
            var random = new Random(5);
            T[] queries = Fill<T>(random, Steps * Batch * Q), keys = Fill<T>(random, Batch * Keys * K), values = Fill<T>(random, Batch * Keys * V);
            int[] lengths = [Keys, 1, 17, Keys - 1, 9];
            var workspace = cell.CreateWorkspace(Keys, Batch);
            cell.Prepare(Keys, Batch, keys, values, lengths, workspace);
            T[] context = new T[Steps * Batch * V], weights = new T[Steps * Batch * Keys], dContext = Fill<T>(random, context.Length);
            T[] dq = new T[queries.Length], dk = new T[keys.Length], dv = new T[values.Length], dTheta = new T[cell.ParameterCount];
            for (var s = 0; s < Steps; s++)
            {
                cell.Step(queries.AsSpan(s * Batch * Q, Batch * Q), workspace, context.AsSpan(s * Batch * V, Batch * V), weights.AsSpan(s * Batch * Keys, Batch * Keys));
                cell.StepBackward(queries.AsSpan(s * Batch * Q, Batch * Q), workspace, dContext.AsSpan(s * Batch * V, Batch * V), dq.AsSpan(s * Batch * Q, Batch * Q), dTheta);
            }

            cell.PrepareBackward(workspace, dk, dv, dTheta);
            Record(name, context, weights, dq, dk, dv, dTheta);
        }

        public void MultiHead<T>(string name, IMultiHeadAttention<T> cell)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            cell.InitializeParameters(16);
            var E = cell.ModelSize;
            var random = new Random(6);
            const int Tokens = 19;
            T[] q = Fill<T>(random, Batch * Tokens * E), k = Fill<T>(random, Batch * Tokens * E), v = Fill<T>(random, Batch * Tokens * E);
            int[] lengths = [Tokens, 3, 11, Tokens - 2, 1];
            var workspace = cell.CreateWorkspace(Tokens, Batch);
            T[] output = new T[q.Length], dOut = Fill<T>(random, q.Length);
            T[] dq = new T[q.Length], dk = new T[k.Length], dv = new T[v.Length], dTheta = new T[cell.ParameterCount];
            cell.Forward(Tokens, Tokens, Batch, q, k, v, lengths, causal: false, output, Span<T>.Empty, workspace);
            cell.Backward(workspace, dOut, dq, dk, dv, dTheta);
            var causalOutput = new T[q.Length];
            cell.Forward(Tokens, Tokens, 1, q.AsSpan(0, Tokens * E), k.AsSpan(0, Tokens * E), v.AsSpan(0, Tokens * E), [], causal: true, causalOutput.AsSpan(0, Tokens * E), Span<T>.Empty, workspace);

            // Incremental decoding: one token at a time against the cache.
            var cache = cell.CreateCache(Tokens, Batch);
            var decoded = new T[Tokens * Batch * E];
            for (var t = 0; t < Tokens; t++)
            {
                cell.DecodeStep(Batch, q.AsSpan(t * Batch * E, Batch * E), cache, decoded.AsSpan(t * Batch * E, Batch * E), Span<T>.Empty);
            }

            Record(name, output, dq, dk, dv, dTheta, causalOutput, decoded);
        }

        public void Dense<T>(string name, IDenseLayer<T> layer)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            layer.InitializeParameters(17);
            var random = new Random(7);
            T[] x = Fill<T>(random, Batch * layer.InputSize), y = new T[Batch * layer.OutputSize], dy = Fill<T>(random, y.Length);
            T[] dx = new T[x.Length], dTheta = new T[layer.ParameterCount];
            layer.Forward(Batch, x, y);
            layer.Backward(Batch, x, y, dy, dx, dTheta);
            Record(name, y, dx, dTheta);
        }

        private static T[] Fill<T>(Random random, int length)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            var values = new T[length];
            for (var i = 0; i < length; i++)
            {
                values[i] = T.CreateChecked((random.NextDouble() * 2) - 1);
            }

            return values;
        }

        private void Record<T>(string name, params T[][] arrays)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            var values = new List<double>();
            foreach (var array in arrays)
            {
                foreach (var value in array)
                {
                    values.Add(double.CreateChecked(value));
                }
            }

            Cases.Add((name, values));
        }
    }
}

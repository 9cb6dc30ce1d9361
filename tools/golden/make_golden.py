#!/usr/bin/env python3
"""Writes the golden files Simd's tests compare against, computed by PyTorch, and checks Simd's own checkpoint.

    python3 tools/golden/make_golden.py            # rewrite tests/Simd.Tests/Golden/*.safetensors
    python3 tools/golden/make_golden.py --check    # only validate the checkpoint Simd wrote (see below)

Needs PyTorch (Debian: apt-get install python3-torch). Each file holds one model's parameters under PyTorch's
state_dict names (as a PyTorch user would save them), the inputs, the outputs, and the gradients of
L = sum(outputs * grad_out) [+ sum(h_T * grad_hT) + sum(c_T * grad_cT)] with respect to the inputs, the initial
states and every parameter ("grad.<name>"). Everything is float64 and computed in float64; the parameters and inputs
are rounded to float32 first so a float cell holds them exactly too.

The checkpoint: tests/Simd.Tests/Golden/simd_checkpoint.safetensors is written by Simd (the test
SimdCheckpointIsTheCheckedInFile compares its bytes; SIMD_UPDATE_GOLDEN=1 rewrites it). This script parses it with its
own strict reader, loads it with load_state_dict(strict=True) into the PyTorch modules it describes, and writes their
outputs on fixed inputs to simd_checkpoint_outputs.safetensors, which a test compares with Simd's outputs.

The safetensors format is written by hand (8-byte little-endian header length, JSON header, raw data) so the script
needs no package beyond torch.
"""
import json
import os
import struct
import sys

import torch

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "tests", "Simd.Tests", "Golden")

DTYPES = {torch.float64: ("F64", "<f8"), torch.float32: ("F32", "<f4")}


def save(path, tensors):
    """Safetensors writer: tensors in insertion order, header padded with spaces to a multiple of 8."""
    header, chunks, offset = {}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous()
        dtype = DTYPES[t.dtype][0]
        data = t.numpy().astype(DTYPES[t.dtype][1]).tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for c in chunks:
            f.write(c)


def load(path):
    """Strict safetensors reader (as the reference implementation checks): offsets tile the data exactly."""
    import numpy as np
    blob = open(path, "rb").read()
    (n,) = struct.unpack("<Q", blob[:8])
    assert 8 + n <= len(blob), "header length beyond file"
    header = json.loads(blob[8:8 + n].decode())
    data = blob[8 + n:]
    meta = header.pop("__metadata__", {})
    sizes = {"F32": ("<f4", 4), "F64": ("<f8", 8), "F16": ("<f2", 2)}
    spans, out = [], {}
    for name, entry in header.items():
        assert set(entry) == {"dtype", "shape", "data_offsets"}, name
        np_type, size = sizes[entry["dtype"]]
        begin, end = entry["data_offsets"]
        count = 1
        for d in entry["shape"]:
            count *= d
        assert end - begin == count * size, name
        spans.append((begin, end))
        out[name] = torch.from_numpy(np.frombuffer(data[begin:end], dtype=np_type).copy()).reshape(entry["shape"])
    spans.sort()
    covered = 0
    for begin, end in spans:
        assert begin == covered, "gap or overlap"
        covered = end
    assert covered == len(data), "uncovered data"
    return meta, out


def exact32(t):
    """Rounds to float32 and back, so float and double cells hold the same values."""
    return t.float().double()


def randn(*shape):
    return exact32(torch.randn(*shape) * 0.5)


def prepare(module):
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(exact32(p))
    return module


def recurrent(name, module, steps, batch, cell_state):
    prepare(module)
    layers = module.num_layers * (2 if module.bidirectional else 1)
    state = module.proj_size if getattr(module, "proj_size", 0) else module.hidden_size
    x = randn(steps, batch, module.input_size).requires_grad_()
    h0 = randn(layers, batch, state).requires_grad_()
    tensors = {k: v for k, v in module.state_dict().items()}
    if cell_state:
        c0 = randn(layers, batch, module.hidden_size).requires_grad_()
        y, (hT, cT) = module(x, (h0, c0))
    else:
        y, hT = module(x, h0)
    gy, ghT = randn(*y.shape), randn(*hT.shape)
    loss = (y * gy).sum() + (hT * ghT).sum()
    if cell_state:
        gcT = randn(*cT.shape)
        loss = loss + (cT * gcT).sum()
    loss.backward()
    tensors.update({"input": x, "h0": h0, "output": y, "hT": hT, "grad_output": gy, "grad_hT": ghT,
                    "grad.input": x.grad, "grad.h0": h0.grad})
    if cell_state:
        tensors.update({"c0": c0, "cT": cT, "grad_cT": gcT, "grad.c0": c0.grad})
    for n, p in module.named_parameters():
        tensors["grad." + n] = p.grad
    save(os.path.join(OUT, name + ".safetensors"), tensors)


def gru_reset_before(name, inputs, hidden, steps, batch):
    """One-layer GRU with the reset gate applied before the recurrent product (ONNX linear_before_reset=0):
    n = tanh(W_in x + b_in + W_hn (r * h) + b_hn). PyTorch has no such module; autograd differentiates the formula."""
    bound = hidden ** -0.5
    p = {"weight_ih_l0": exact32(torch.empty(3 * hidden, inputs).uniform_(-bound, bound)),
         "weight_hh_l0": exact32(torch.empty(3 * hidden, hidden).uniform_(-bound, bound)),
         "bias_ih_l0": exact32(torch.empty(3 * hidden).uniform_(-bound, bound)),
         "bias_hh_l0": exact32(torch.empty(3 * hidden).uniform_(-bound, bound))}
    for v in p.values():
        v.requires_grad_()
    x = randn(steps, batch, inputs).requires_grad_()
    h0 = randn(1, batch, hidden).requires_grad_()
    wi, wh, bi, bh = (p[k] for k in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"))
    h, ys = h0[0], []
    H = hidden
    for t in range(steps):
        gi = x[t] @ wi.T + bi
        r = torch.sigmoid(gi[:, :H] + h @ wh[:H].T + bh[:H])
        z = torch.sigmoid(gi[:, H:2 * H] + h @ wh[H:2 * H].T + bh[H:2 * H])
        n = torch.tanh(gi[:, 2 * H:] + (r * h) @ wh[2 * H:].T + bh[2 * H:])
        h = (1 - z) * n + z * h
        ys.append(h)
    y, hT = torch.stack(ys), h.unsqueeze(0)
    gy, ghT = randn(*y.shape), randn(*hT.shape)
    ((y * gy).sum() + (hT * ghT).sum()).backward()
    tensors = {k: v for k, v in p.items()}
    tensors.update({"input": x, "h0": h0, "output": y, "hT": hT, "grad_output": gy, "grad_hT": ghT,
                    "grad.input": x.grad, "grad.h0": h0.grad})
    for k, v in p.items():
        tensors["grad." + k] = v.grad
    save(os.path.join(OUT, name + ".safetensors"), tensors)


def single_head(name, score, q_size, k_size, v_size, a_size, keys_count, batch, lengths):
    """Simd's single-head attention from its formulas: additive v^T tanh(W_q q + W_k k_j + b), concat the same
    without b, general q^T W k_j, dot q^T k_j; softmax over each sample's first lengths[b] keys; context = sum w_j v_j.
    Loss = sum(context * grad_context)."""
    p = {}
    if score in ("additive", "concat"):
        p["query_weight"] = randn(a_size, q_size)
        p["key_weight"] = randn(a_size, k_size)
        if score == "additive":
            p["bias"] = randn(a_size)
        p["score_weight"] = randn(a_size)
    elif score == "general":
        p["weight"] = randn(q_size, k_size)
    for v in p.values():
        v.requires_grad_()
    keys = randn(batch, keys_count, k_size).requires_grad_()
    values = randn(batch, keys_count, v_size).requires_grad_()
    queries = randn(batch, q_size).requires_grad_()
    if score in ("additive", "concat"):
        pre = (queries @ p["query_weight"].T)[:, None, :] + keys @ p["key_weight"].T
        if score == "additive":
            pre = pre + p["bias"]
        scores = torch.tanh(pre) @ p["score_weight"]
    elif score == "general":
        scores = torch.einsum("bq,qk,btk->bt", queries, p["weight"], keys)
    else:
        scores = torch.einsum("bq,btq->bt", queries, keys)
    mask = torch.arange(keys_count)[None, :] >= torch.tensor(lengths)[:, None]
    weights = torch.softmax(scores.masked_fill(mask, float("-inf")), dim=1)
    context = torch.einsum("bt,btv->bv", weights, values)
    gc = randn(*context.shape)
    (context * gc).sum().backward()
    tensors = dict(p)
    tensors.update({"keys": keys, "values": values, "queries": queries, "lengths": torch.tensor(lengths, dtype=torch.float64),
                    "context": context, "weights": weights, "grad_context": gc, "grad.keys": keys.grad,
                    "grad.values": values.grad, "grad.queries": queries.grad})
    for k, v in p.items():
        tensors["grad." + k] = v.grad
    save(os.path.join(OUT, name + ".safetensors"), tensors)


def multi_head(name, model, heads, tq, tk, batch, lengths):
    """nn.MultiheadAttention(batch_first=True) cross-attention with a key padding mask; per-head weights."""
    m = prepare(torch.nn.MultiheadAttention(model, heads, batch_first=True))
    query = randn(batch, tq, model).requires_grad_()
    key = randn(batch, tk, model).requires_grad_()
    value = randn(batch, tk, model).requires_grad_()
    mask = torch.arange(tk)[None, :] >= torch.tensor(lengths)[:, None]
    out, weights = m(query, key, value, key_padding_mask=mask, need_weights=True, average_attn_weights=False)
    go = randn(*out.shape)
    (out * go).sum().backward()
    tensors = {k: v for k, v in m.state_dict().items()}
    tensors.update({"query": query, "key": key, "value": value, "lengths": torch.tensor(lengths, dtype=torch.float64),
                    "output": out, "weights": weights, "grad_output": go, "grad.query": query.grad,
                    "grad.key": key.grad, "grad.value": value.grad})
    for n, p in m.named_parameters():
        tensors["grad." + n] = p.grad
    save(os.path.join(OUT, name + ".safetensors"), tensors)


def linear(name, inputs, outputs, batch, activation):
    """nn.Linear, optionally followed by tanh (Simd's [Dense] with DenseActivation.Tanh)."""
    m = prepare(torch.nn.Linear(inputs, outputs))
    x = randn(batch, inputs).requires_grad_()
    y = m(x)
    if activation == "tanh":
        y = torch.tanh(y)
    gy = randn(*y.shape)
    (y * gy).sum().backward()
    tensors = {k: v for k, v in m.state_dict().items()}
    tensors.update({"input": x, "output": y, "grad_output": gy, "grad.input": x.grad,
                    "grad.weight": m.weight.grad, "grad.bias": m.bias.grad})
    save(os.path.join(OUT, name + ".safetensors"), tensors)


def embedding(name, vocabulary, dimension, tokens):
    """nn.Embedding lookup; repeated tokens accumulate their gradients."""
    m = prepare(torch.nn.Embedding(vocabulary, dimension))
    t = torch.tensor(tokens)
    y = m(t)
    gy = randn(*y.shape)
    (y * gy).sum().backward()
    save(os.path.join(OUT, name + ".safetensors"), {"weight": m.weight.detach(), "tokens": t.double(), "output": y,
                                                    "grad_output": gy, "grad.weight": m.weight.grad})


def check_checkpoint():
    """Loads Simd's checkpoint into the PyTorch modules it stands for and records their outputs on fixed inputs."""
    meta, tensors = load(os.path.join(OUT, "simd_checkpoint.safetensors"))
    assert meta.get("format") == "pt", meta
    lstm = torch.nn.LSTM(3, 5, num_layers=2, bidirectional=True)
    attention = torch.nn.MultiheadAttention(8, 2, batch_first=True)
    for module, prefix in ((lstm, "encoder."), (attention, "attention.")):
        state = {k[len(prefix):]: v.double() for k, v in tensors.items() if k.startswith(prefix)}
        module.double().load_state_dict(state, strict=True)
    assert set(tensors) == {"encoder." + k for k in lstm.state_dict()} | {"attention." + k for k in attention.state_dict()}
    torch.manual_seed(11)
    x = randn(4, 2, 3)
    y, _ = lstm(x)
    q = randn(2, 4, 8)
    o, _ = attention(q, q, q, need_weights=False)
    save(os.path.join(OUT, "simd_checkpoint_outputs.safetensors"), {"lstm_input": x, "lstm_output": y.detach(),
                                                                     "attention_input": q, "attention_output": o.detach()})
    print("simd_checkpoint.safetensors: loaded strictly into nn.LSTM(3, 5, 2, bidirectional) and nn.MultiheadAttention(8, 2)")


def main():
    os.makedirs(OUT, exist_ok=True)
    if "--check" not in sys.argv:
        torch.manual_seed(2024)
        recurrent("lstm_3x5_l2_bi", torch.nn.LSTM(3, 5, num_layers=2, bidirectional=True), 4, 3, True)
        recurrent("lstm_4x6_p3_l2_bi", torch.nn.LSTM(4, 6, num_layers=2, bidirectional=True, proj_size=3), 4, 3, True)
        recurrent("gru_3x5_l2_bi", torch.nn.GRU(3, 5, num_layers=2, bidirectional=True), 4, 3, False)
        gru_reset_before("gru_before_3x5", 3, 5, 4, 3)
        recurrent("rnn_tanh_3x5_l2_bi", torch.nn.RNN(3, 5, num_layers=2, bidirectional=True), 4, 3, False)
        recurrent("rnn_relu_4x6_bi", torch.nn.RNN(4, 6, bidirectional=True, nonlinearity="relu"), 4, 3, False)
        single_head("additive_4x3x5_v2", "additive", 4, 3, 2, 5, 5, 3, [5, 3, 1])
        single_head("concat_4x3x5_v2", "concat", 4, 3, 2, 5, 5, 3, [5, 3, 1])
        single_head("general_4x3_v2", "general", 4, 3, 2, 0, 5, 3, [5, 3, 1])
        single_head("dot_4_v2", "dot", 4, 4, 2, 0, 5, 3, [5, 3, 1])
        multi_head("multihead_8x2", 8, 2, 4, 5, 2, [5, 3])
        linear("linear_7x5", 7, 5, 3, None)
        linear("linear_tanh_3x17", 3, 17, 4, "tanh")
        embedding("embedding_6x13", 6, 13, [0, 5, 2, 5, 3])
    if os.path.exists(os.path.join(OUT, "simd_checkpoint.safetensors")):
        check_checkpoint()
    else:
        print("no simd_checkpoint.safetensors yet: run the tests once (SIMD_UPDATE_GOLDEN=1), then this script with --check")


if __name__ == "__main__":
    main()

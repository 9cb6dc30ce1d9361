#!/usr/bin/env python3
"""Summarize BenchmarkDotNet brief-JSON reports of Simd.Benchmarks into one compact table.

usage: summarize.py RESULTS_DIR [OUT.md]

Reads RESULTS_DIR/*-report-brief.json and prints (and writes to OUT.md) per benchmark: median ns, ratio to the
scalar baseline of the same class and parameters, and
  * single steps:     median / WeightRead median of the same shape (1.0 = as fast as reading the weights once);
  * WeightRead:       the read bandwidth in GB/s;
  * FMA calibration:  GFLOP/s = FLOPs / ns;
  * batched step and forward+backward: GFLOP/s and % of the FMA peak (the larger of the two FMA calibrations),
    FLOPs = 2·B·4H·(I+H) per step, forward+backward counted as 3× the forward FLOPs;
  * multi-head attention (E = 64, H = 4, T = 128): GFLOP/s and % of the FMA peak with the exact matrix FLOPs,
    decode step 8·E² + 4·T·E, self-attention forward+backward 22·T·E² + 12·T²·E (the additive step has none: it is
    dominated by T·A tanh evaluations, which are not FLOPs);
  * allocated bytes per operation;
  * the in-process peer classes (*VsOnnxRuntime, perf/Simd.Benchmarks/Peers/): median / ONNX Runtime's median of the
    same class and parameters (ONNX Runtime, TensorPrimitives and scalar beside Simd), and a closing table of Simd's speed-up over ONNX Runtime against the issue's targets;
  * DeterminismBenchmarks: a closing table of each case's deterministic median ÷ fast median.
The FLOP counts must match perf/Simd.Benchmarks/{Calibration,BatchBenchmarks,TrainingBenchmarks,AttentionBenchmarks}.cs.
"""
import glob
import json
import os
import sys

FMA_ITERATIONS = 4096  # Calibration.FmaIterations
FMA_FLOPS = {"FmaPeakV512": FMA_ITERATIONS * 8 * 16 * 2, "FmaPeakV256": FMA_ITERATIONS * 12 * 8 * 2}


def lstm_flops(i, h, batch, steps=1):
    return 2.0 * steps * batch * 4 * h * (i + h)


BATCH_FLOPS = lstm_flops(64, 128, 64)                    # BatchBenchmarks: B = 64 at (64,128), one step
TRAIN_FLOPS = 3 * lstm_flops(64, 128, 32, steps=64)      # TrainingBenchmarks: T = 64, B = 32, fwd + bwd = 3× fwd

ATTN_E, ATTN_T = 64, 128                                  # AttentionBenchmarks: model 64, 4 heads, T = 128, batch 1
# Per class: (shape text, FLOPs per operation or None).
ATTENTION = {
    "AdditiveAttentionStepBenchmarks": ("Q=64 K=V=64 A=64 T=128", None),
    "MultiHeadAttentionDecodeBenchmarks": ("E=64 H=4 T=128", 8.0 * ATTN_E ** 2 + 4.0 * ATTN_T * ATTN_E),
    "SelfAttentionTrainingBenchmarks": ("E=64 H=4 T=128 B=1",
                                        22.0 * ATTN_T * ATTN_E ** 2 + 12.0 * ATTN_T ** 2 * ATTN_E),
}
# The attention issue asks for these decode steps to be at least this many times faster than the scalar reference.
ATTENTION_TARGET = {"AdditiveAttentionStepBenchmarks": 15.0, "MultiHeadAttentionDecodeBenchmarks": 15.0}

# Peer classes (perf/Simd.Benchmarks/Peers/): shape text when it is not a Shape parameter, and the speed-up over ONNX
# Runtime (ONNX Runtime median ÷ Simd median) the peers issue asks for, per (class, parameters).
PEER_SHAPE = {
    "GruStepVsOnnxRuntime": "(32,64)",
    "RnnStepVsOnnxRuntime": "(32,64)",
    "LstmSequenceVsOnnxRuntime": "(64,128) T=64",
    "GruSequenceVsOnnxRuntime": "(64,128) T=64",
    "RnnSequenceVsOnnxRuntime": "(64,128) T=64",
    "DotAttentionDecodeVsOnnxRuntime": "dot, d=64 T=128",
    "AdditiveAttentionDecodeVsOnnxRuntime": "Q=K=V=A=64 T=128",
    "MultiHeadDecodeVsOnnxRuntime": "E=64 H=4 T=128",
}
PEER_TARGET = {
    ("LstmStepVsOnnxRuntime", "Shape=8x16"): 30.0,
    ("LstmStepVsOnnxRuntime", "Shape=32x64"): 5.0,
    ("LstmStepVsOnnxRuntime", "Shape=128x256"): 1.4,
    ("GruStepVsOnnxRuntime", ""): 4.0,
    ("RnnStepVsOnnxRuntime", ""): 4.0,
    ("LstmSequenceVsOnnxRuntime", "Batch=1"): 1.3,
    ("LstmSequenceVsOnnxRuntime", "Batch=32"): 1.3,
    ("GruSequenceVsOnnxRuntime", "Batch=1"): None,     # listed; the issue sets no target
    ("GruSequenceVsOnnxRuntime", "Batch=32"): None,
    ("RnnSequenceVsOnnxRuntime", "Batch=1"): None,
    ("RnnSequenceVsOnnxRuntime", "Batch=32"): None,
    ("DotAttentionDecodeVsOnnxRuntime", ""): 5.0,
    ("AdditiveAttentionDecodeVsOnnxRuntime", ""): 5.0,
    ("MultiHeadDecodeVsOnnxRuntime", ""): 10.0,
}
PEER_ORT = "OnnxRuntime"


def shape_of(params):
    # "Shape=32x64" -> (32, 64); "Shape=32x64p16" (projection size 16) -> (32, 64, 16)
    for part in params.split("&"):
        key, _, value = part.partition("=")
        if key == "Shape":
            i, _, rest = value.partition("x")
            h, _, p = rest.partition("p")
            return (int(i), int(h), int(p)) if p else (int(i), int(h))
    return None


# Single-step classes with a WeightRead calibration, and the bytes their weights take (I, H -> bytes).
WEIGHT_BYTES = {
    "StepBenchmarks": lambda i, h: 4 * 4 * h * (i + h),
    "GruStepBenchmarks": lambda i, h: 4 * 3 * h * (i + h),
    "RnnStepBenchmarks": lambda i, h: 4 * h * (i + h),
    "BFloat16StepBenchmarks": lambda i, h: 2 * 4 * h * (i + h),
}


def fmt_ns(ns):
    return f"{ns:,.0f}" if ns >= 100 else f"{ns:,.1f}"


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    files = sorted(glob.glob(os.path.join(sys.argv[1], "*-report-brief.json")))
    if not files:
        sys.exit(f"no *-report-brief.json in {sys.argv[1]}: did the run fail?")
    rows = []
    host = None
    for path in files:
        with open(path) as f:
            doc = json.load(f)
        host = host or doc["HostEnvironmentInfo"]
        for b in doc["Benchmarks"]:
            stats = b.get("Statistics") or {}
            if "Median" not in stats:
                continue  # failed case
            rows.append({
                "type": b["Type"], "method": b["Method"], "params": b.get("Parameters") or "",
                "median": stats["Median"], "alloc": (b.get("Memory") or {}).get("BytesAllocatedPerOperation"),
            })
    by_key = {(r["type"], r["params"], r["method"]): r for r in rows}
    peak = max((FMA_FLOPS[r["method"]] / r["median"] for r in rows if r["method"] in FMA_FLOPS), default=None)

    order = {"StepBenchmarks": 0, "BFloat16StepBenchmarks": 1, "ProjectionStepBenchmarks": 2, "GruStepBenchmarks": 3,
             "RnnStepBenchmarks": 4, "BatchBenchmarks": 5, "TrainingBenchmarks": 6,
             "AdditiveAttentionStepBenchmarks": 7, "MultiHeadAttentionDecodeBenchmarks": 8,
             "SelfAttentionTrainingBenchmarks": 9, "CalibrationBenchmarks": 10,
             "LstmStepVsOnnxRuntime": 11, "GruStepVsOnnxRuntime": 12, "RnnStepVsOnnxRuntime": 13,
             "LstmSequenceVsOnnxRuntime": 14, "DotAttentionDecodeVsOnnxRuntime": 15, "AdditiveAttentionDecodeVsOnnxRuntime": 16,
             "MultiHeadDecodeVsOnnxRuntime": 17, "DeterminismBenchmarks": 18}
    def sort_key(r):
        s = shape_of(r["params"]) or (0, 0)
        return (order.get(r["type"], 19), s, r["params"], r["method"] not in ("Scalar", "Fast"), r["method"])
    rows.sort(key=sort_key)

    lines = [
        "| benchmark | shape | median ns | vs scalar | vs ONNX Runtime | vs weight read | GFLOP/s | % FMA peak | GB/s | allocated B |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        t, m, p, ns = r["type"], r["method"], r["params"], r["median"]
        shape = shape_of(p)
        shape_text = f"({','.join(str(v) for v in shape)})" if shape else {"BatchBenchmarks": "(64,128) B=64",
                                                                "TrainingBenchmarks": "(64,128) T=64 B=32"}.get(t, "")
        if t in ATTENTION:
            shape_text = ATTENTION[t][0]
        if t == "DeterminismBenchmarks":
            shape_text = p.partition("Case=")[2]
        if t in PEER_SHAPE:
            batch = p.partition("Batch=")[2]
            shape_text = PEER_SHAPE[t] + (f" B={batch}" if batch else "")
        ort = by_key.get((t, p, PEER_ORT))
        vs_ort = f"{ns / ort['median']:.3f}" if ort else ""
        base = by_key.get((t, p, "Scalar"))
        vs_scalar = f"{ns / base['median']:.3f}" if base and m != "Scalar" else ("1" if base else "")
        vs_read = gflops = pct = gbs = ""
        if t in WEIGHT_BYTES and shape:
            read = by_key.get((t, p, "WeightRead"))
            if read and m != "WeightRead":
                vs_read = f"{ns / read['median']:.2f}"
            if m == "WeightRead":
                gbs = f"{WEIGHT_BYTES[t](shape[0], shape[1]) / ns:.0f}"
        flops = None
        if m in FMA_FLOPS:
            flops = FMA_FLOPS[m]
        elif t == "BatchBenchmarks":
            flops = BATCH_FLOPS
        elif t == "TrainingBenchmarks":
            flops = TRAIN_FLOPS
        elif t in ATTENTION:
            flops = ATTENTION[t][1]
        if flops:
            gflops = f"{flops / ns:.1f}"
            if peak and m not in FMA_FLOPS:
                pct = f"{100 * flops / ns / peak:.1f}%"
        alloc = "" if r["alloc"] is None else str(r["alloc"])
        lines.append(f"| {t.replace('Benchmarks', '')}.{m} | {shape_text} | {fmt_ns(ns)} | {vs_scalar} | {vs_ort} | {vs_read} | "
                     f"{gflops} | {pct} | {gbs} | {alloc} |")

    speedups = []
    for t in ATTENTION:
        simd, scalar = by_key.get((t, "", "Simd")), by_key.get((t, "", "Scalar"))
        if simd and scalar:
            times = scalar["median"] / simd["median"]
            target = ATTENTION_TARGET.get(t)
            verdict = "" if target is None else f" (target ≥ {target:.0f}×: {'met' if times >= target else 'NOT met'})"
            speedups.append(f"- {t.replace('Benchmarks', '')}: Simd is {times:.1f}× faster than Scalar{verdict}")
    if speedups:
        lines += ["", "Attention speed-up (scalar median ÷ Simd median):"] + speedups

    peers = []
    for (t, p), target in PEER_TARGET.items():
        simd, ort, scalar, tensor = (by_key.get((t, p, m)) for m in ("Simd", PEER_ORT, "Scalar", "TensorPrimitives"))
        if not (simd and ort):
            continue
        times = ort["median"] / simd["median"]
        shape = shape_of(p)
        shape_text = f"({shape[0]},{shape[1]})" if shape else PEER_SHAPE.get(t, "")
        if p.startswith("Batch="):
            shape_text += f" B={p.partition('=')[2]}"
        peers.append(f"| {t.replace('VsOnnxRuntime', '')} | {shape_text} | {fmt_ns(simd['median'])} | {fmt_ns(ort['median'])} | "
                     f"{fmt_ns(tensor['median']) if tensor else ''} | "
                     f"{fmt_ns(scalar['median']) if scalar else ''} | {times:.2f}× | {'' if target is None else f'≥ {target:g}×'} | "
                     f"{'' if target is None else ('met' if times >= target else 'NOT met')} | {simd['alloc'] if simd['alloc'] is not None else ''} | "
                     f"{ort['alloc'] if ort['alloc'] is not None else ''} |")
    if peers:
        lines += ["", "Simd against ONNX Runtime in the same run (1 intra-op thread, IO binding; speed-up = ONNX Runtime "
                  "median ÷ Simd median; allocated = managed bytes per call):", "",
                  "| workload | shape | Simd ns | ONNX Runtime ns | TensorPrimitives ns | scalar ns | speed-up | target | verdict | Simd B | ORT B |",
                  "|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|"] + peers

    # DeterminismBenchmarks: the cost of Deterministic = true, per case.
    determinism = []
    for r in rows:
        fast = by_key.get((r["type"], r["params"], "Fast"))
        if r["type"] == "DeterminismBenchmarks" and r["method"] == "Deterministic" and fast:
            determinism.append(f"| {r['params'].partition('Case=')[2]} | {fmt_ns(fast['median'])} | {fmt_ns(r['median'])} | "
                               f"{r['median'] / fast['median']:.2f}× |")
    if determinism:
        lines += ["", "Cost of Deterministic = true (deterministic median ÷ fast median):", "",
                  "| case | fast ns | deterministic ns | ratio |", "|---|---:|---:|---:|"] + determinism

    head = []
    if host:
        head.append(f"{host['ProcessorName']}, {host['PhysicalCoreCount']} cores, {host['RuntimeVersion']}, "
                    f"BenchmarkDotNet {host['BenchmarkDotNetVersion']}")
    if peak:
        head.append(f"FMA peak (best calibration) = {peak:.1f} GFLOP/s; % FMA peak is relative to it.")
    text = "\n".join(head + [""] + lines) + "\n"
    print(text)
    if len(sys.argv) > 2:
        with open(sys.argv[2], "w") as f:
            f.write("# Simd.Benchmarks summary\n\n" + text)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Performance regression gate for Simd's BenchmarkDotNet suite.

Runs the chosen benchmarks together with the FMA calibration benchmark in one process, divides every median by the
calibration's median (so the speed of the machine cancels out), compares those normalized times with a baseline file
kept in the repository, prints a table of ratios, and exits 1 when any benchmark is slower than its baseline by more
than the threshold.

  perf/gate.py check  [--baseline FILE] [--threshold 0.25] [--filter PATTERN ...]   # gate a run
  perf/gate.py update [--baseline FILE] [--filter PATTERN ...]                      # record a new baseline
  perf/gate.py selftest                                                             # prove the gate catches a slowdown

A baseline is only meaningful for the CPU it was recorded on: the calibration divides out clock speed and load, not
differences between microarchitectures, so keep one baseline file per CPU (the file records its CPU name and the gate
refuses a baseline from another CPU).
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
PROJECT = os.path.join(HERE, "Simd.Benchmarks")
CALIBRATION = "Simd.Benchmarks.CalibrationBenchmarks.FmaPeakV256"
DEFAULT_FILTERS = ["*StepBenchmarks.Simd*", "*AdditiveAttentionStepBenchmarks.Simd*", "*MultiHeadAttentionDecodeBenchmarks.Simd*"]
SELFTEST_FILTER = "*GateSelfTestBenchmarks*"


def cpu_name():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def measure(filters, env=None, iterations=10):
    """Runs the filtered benchmarks plus the calibration in process; returns {name: median ns / calibration ns}."""
    artifacts = tempfile.mkdtemp(prefix="simd-gate-")
    command = ["dotnet", "run", "-c", "Release", "--no-build", "--project", PROJECT, "--",
               "--filter", *filters, "*CalibrationBenchmarks.FmaPeakV256*",
               "--inProcess", "--launchCount", "1", "--warmupCount", "3", "--iterationCount", str(iterations),
               "--exporters", "briefjson", "--artifacts", artifacts]
    run = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if run.returncode != 0:
        sys.stderr.write(run.stdout[-3000:] + run.stderr[-3000:])
        raise SystemExit(f"gate: the benchmark run failed (exit {run.returncode})")
    medians = {}
    for path in glob.glob(os.path.join(artifacts, "results", "*-report-brief.json")):
        with open(path, encoding="utf-8") as f:
            for benchmark in json.load(f)["Benchmarks"]:
                name = benchmark["FullName"]  # includes the parameters, e.g. Simd(Shape: "32x64")
                medians[name] = benchmark["Statistics"]["Median"]
    if CALIBRATION not in medians:
        raise SystemExit("gate: the calibration benchmark produced no result")
    calibration = medians.pop(CALIBRATION)
    if not medians:
        raise SystemExit(f"gate: no benchmark matched {filters}")
    return {name: ns / calibration for name, ns in medians.items()}


def compare(current, baseline, threshold):
    """Prints the ratio table; returns the names that regressed beyond the threshold."""
    regressed = []
    width = max(len(n) for n in current)
    print(f"{'benchmark':<{width}}  {'baseline':>9}  {'now':>9}  {'ratio':>6}")
    for name in sorted(current):
        if name not in baseline:
            print(f"{name:<{width}}  {'—':>9}  {current[name]:9.4f}  {'new':>6}")
            continue
        ratio = current[name] / baseline[name]
        flag = "  REGRESSED" if ratio > 1 + threshold else ""
        print(f"{name:<{width}}  {baseline[name]:9.4f}  {current[name]:9.4f}  {ratio:6.2f}{flag}")
        if flag:
            regressed.append(name)
    for name in sorted(set(baseline) - set(current)):
        print(f"{name:<{width}}  {baseline[name]:9.4f}  {'—':>9}  missing")
    return regressed


def load(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    if data.get("cpu") != cpu_name():
        raise SystemExit(f"gate: {path} was recorded on '{data.get('cpu')}', this is '{cpu_name()}'; record one with 'update'")
    return data["entries"]


def save(path, entries):
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"cpu": cpu_name(), "calibration": CALIBRATION, "entries": entries}, f, indent=2, sort_keys=True)
        f.write("\n")


def selftest():
    """Records a baseline of the self-test kernel, checks an unchanged rerun passes and a 3× slower one fails."""
    baseline = measure([SELFTEST_FILTER])
    rerun = measure([SELFTEST_FILTER])
    print("unchanged kernel:")
    # 50%: the self-test must not fail on noise, and a 3x slowdown is far beyond it.
    if compare(rerun, baseline, threshold=0.5):
        raise SystemExit("gate selftest: an unchanged kernel was reported as regressed")
    slowed = measure([SELFTEST_FILTER], env={**os.environ, "SIMD_GATE_SLOWDOWN": "3"})
    print("kernel slowed down 3x (SIMD_GATE_SLOWDOWN=3):")
    if not compare(slowed, baseline, threshold=0.5):
        raise SystemExit("gate selftest: a 3x slower kernel passed the gate")
    print("gate selftest: passed (the slowed kernel was caught)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["check", "update", "selftest"])
    parser.add_argument("--baseline", default=os.path.join(HERE, "gate-baseline.json"))
    parser.add_argument("--threshold", type=float, default=0.25, help="allowed slowdown as a fraction (0.25 = 25%%)")
    parser.add_argument("--filter", nargs="+", default=DEFAULT_FILTERS)
    args = parser.parse_args()
    build = subprocess.run(["dotnet", "build", "-c", "Release", PROJECT, "-v", "q", "-nologo"], capture_output=True, text=True, check=False)
    if build.returncode != 0:
        sys.stderr.write(build.stdout[-3000:])
        raise SystemExit("gate: build failed")
    if args.mode == "selftest":
        selftest()
        return
    current = measure(args.filter)
    if args.mode == "update":
        save(args.baseline, current)
        print(f"gate: wrote {len(current)} entries to {args.baseline}")
        return
    regressed = compare(current, load(args.baseline), args.threshold)
    if regressed:
        raise SystemExit(f"gate: {len(regressed)} benchmark(s) slower than the baseline by more than {args.threshold:.0%}")
    print(f"gate: no benchmark slower than the baseline by more than {args.threshold:.0%}")


if __name__ == "__main__":
    main()

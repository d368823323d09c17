# The replay model with the repeat rule (docs/analyze.md, "The replay model"), checked on the raw
# outputs of the 2026-12-06 H100 device calls: per node max(d, floor) + gap after a different kernel,
# d + repeat after the same kernel (torch.profiler's kernel order and durations of one step), memory
# operations at their time + gap, + one graph launch; against the clean replay p50 of the same
# shape (bench/gpu-model-check.sh) and, for graphprof run's one-kernel steps, the harness's mean
# CUPTI duration (trace --predict) against run's graph GPU p50 (bench/gpu-harness-predict.sh).
#   python3 bench/model-fit-repeats.py [FLOOR GAP REPEAT]      (defaults 1400 170 -150)
# Needs bench/results/h100-2026-12-06b-{count,model-check,harness-predict} (the .tgz unpacked to /tmp).
import json, os, subprocess, sys, tempfile

R = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")
floor, gap, rep = (int(x) for x in sys.argv[1:4]) if len(sys.argv) > 3 else (1400, 170, -150)
LAUNCH = 3300
tmp = tempfile.mkdtemp()
for part in ("model-check/check.tgz", "harness-predict/harness-predict.tgz"):
    subprocess.run(["tar", "xzf", f"{R}/h100-2026-12-06b-{part}", "-C", tmp], check=True)
last = lambda p: json.loads(open(p).read().strip().splitlines()[-1])
print(f"floor {floor} ns, gap {gap} ns, repeat {rep:+d} ns, graph launch {LAUNCH} ns")
for s in ["default-b1", "default-b8", "default-b32", "short-b1", "long-b1", "oos-a", "oos-b"]:
    c = last(f"{R}/h100-2026-12-06b-count/{s}.json")
    replay = last(f"{tmp}/work/{s}-graph.json")["replayEvents"]["p50Us"] * 1e3
    idx, d = c["kernelNameIndex"], c["kernelDurationsNs"]
    reps = sum(1 for i in range(1, len(idx)) if idx[i] == idx[i - 1])
    p = sum(x + rep if i > 0 and idx[i] == idx[i - 1] else max(x, floor) + gap for i, x in enumerate(d))
    p += c["gpuMemOpNsPerStep"] + c["memOpsPerStep"] * gap + LAUNCH
    print(f"  {s:12s} {len(d):5d} kernels, {reps:3d} repeats: P {p / 1e6:.4f} ms, clean replay {replay / 1e6:.4f} ms, {p / replay - 1:+.2%}")
for k in ["spin", "empty", "copy"]:
    t = json.load(open(f"{tmp}/work/trace-{k}.json"))
    n = t["analysis"]["model"]["graphStepNs"]["nodes"]
    d = t["analysis"]["model"]["gpuStepNs"]["value"] / n
    runs = [json.load(open(f"{tmp}/work/run-{k}-{i}.json"))["results"][0]["graph"]["deviceNs"]["p50Ns"] for i in (1, 2)]
    replay = sum(runs) / 2
    p = max(d, floor) + gap + (n - 1) * (d + rep) + LAUNCH
    print(f"  run {k:8s} {n:5d} kernels, {n - 1:3d} repeats: P {p / 1e6:.4f} ms, run's graph GPU p50 {replay / 1e6:.4f} ms, {p / replay - 1:+.2%}")

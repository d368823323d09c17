# The replay model's constants per GPU, fitted and checked from the raw outputs of the 2026-12-06
# device calls (docs/analyze.md, "The replay model" and "Calibration"):
#   1. the H200 fit: repeat = the median node - d of graphprof run's one-kernel steps (spin 2 us,
#      empty, copy); gap fitted on five llama_decode.py shapes with the floor held at 1400 ns (and
#      the (floor, gap) landscape, which shows the two cannot be told apart); two shapes held out;
#   2. each GPU's data under each GPU's constants, and under the other GPU's constants scaled by the
#      node-cost ratio (the calibration graphprof had before: it made every prediction worse).
# P is repriced from what `trace --predict` printed on the GPU (its nodes and repeats per step, its
# in-step cuda_gpu_kern_sum for the floor), so the repricing is exact for gap and repeat. The H100
# call's traces predate the repeat rule: their P counts no repeat, and so does the repricing here
# (bench/model-fit-repeats.py reprices the H100 shapes with torch.profiler's kernel order).
#   python3 bench/model-fit-gpus.py
import csv, json, os, re, statistics, subprocess, tempfile

R = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")
SHAPES = ["default-b1", "default-b8", "default-b32", "short-b1", "long-b1", "oos-a", "oos-b"]
FIT = SHAPES[:5]
last = lambda p: json.loads(open(p).read().strip().splitlines()[-1])

def unpack(prefix):
    tmp = tempfile.mkdtemp()
    for part in ("model-check/check.tgz", "harness-predict/harness-predict.tgz"):
        subprocess.run(["tar", "xzf", f"{R}/{prefix}-{part}", "-C", tmp], check=True)
    return f"{tmp}/work"

def load(w):
    rows = {}
    for s in SHAPES:
        t = json.load(open(f"{w}/{s}-trace.json")); g = t["analysis"]["model"]["graphStepNs"]
        m = re.search(r"for the ([\d.]+) that repeat", g["method"])
        rm = t["analysis"]["model"]["replay"]
        groups = [(int(r["Instances"]) / t["steps"]["count"], float(r["Avg (ns)"]), float(r["Min (ns)"]), float(r["Max (ns)"]))
                  for r in csv.DictReader(open(f"{w}/out-{s}_cuda_gpu_kern_sum.csv"))]
        rows[s] = dict(P=g["value"], nodes=g["nodes"], reps=int(m.group(1)) if m else 0, groups=groups,
                       replay=last(f"{w}/{s}-graph.json")["replayEvents"]["p50Us"] * 1e3,
                       base=(rm["floorNs"], rm["gapNs"], rm.get("repeatNs", 0), rm["graphLaunchNs"]))
    runs = {}
    for k in ("spin", "empty", "copy"):
        t = json.load(open(f"{w}/trace-{k}.json")); m = t["analysis"]["model"]; n = m["graphStepNs"]["nodes"]
        rs = [json.load(open(f"{w}/run-{k}-{i}.json")) for i in (1, 2)]
        runs[k] = dict(n=n, d=m["gpuStepNs"]["value"] / n, runs=rs,
                       replay=statistics.mean(r["results"][0]["graph"]["deviceNs"]["p50Ns"] for r in rs))
    return rows, runs

def floor_part(groups, f):  # the switched nodes' max(d, floor) as the model prices a name's group
    return sum(c * mean if mn >= f else (c * f if mx <= f else c * max(mean, f)) for c, mean, mn, mx in groups)

def P(r, f, gap, rep, launch):
    bf, bg, brep, bl = r["base"]
    return r["P"] + floor_part(r["groups"], f) - floor_part(r["groups"], bf) + (gap - bg) * (r["nodes"] - r["reps"]) + (rep - brep) * r["reps"] + (launch - bl)

def P_run(h, f, gap, rep, launch):
    return max(h["d"], f) + gap + (h["n"] - 1) * (h["d"] + rep) + launch

def node_cost(runs):  # what the old calibration measured: graph GPU time per node less the spin
    c = []
    for k in ("spin", "empty"):
        for r in runs[k]["runs"]:
            b = r["results"][0]["graph"]; w = r["workload"]
            c.append(b["devicePerNodeNs"] - (w["kernelNs"] if w["kernel"] == "spin" else 0) * w["kernels"] / b["nodes"])
    return statistics.median(c)

def show(name, data, m):
    rows, runs = data; f, g, rep, l = m
    llama = " ".join(f"{P(rows[s], f, g, rep, l) / rows[s]['replay'] - 1:+.1%}" for s in SHAPES)
    run = " ".join(f"{P_run(runs[k], f, g, rep, l) / runs[k]['replay'] - 1:+.1%}" for k in runs)
    print(f"  {name:46s} {f:5.0f} {g:4.0f} {rep:5.0f} | llama {llama} | run spin/empty/copy {run}")

h100, h200 = load(unpack("h100-2026-12-06b")), load(unpack("h200-2026-12-06"))
rows, runs = h200
repeat = statistics.median(r["replay"] / r["n"] - r["d"] for r in runs.values())
launch = statistics.median(r["results"][0]["graph"]["launchNs"]["p50Ns"] for k in runs for r in runs[k]["runs"])
print("H200: node - d of run's one-kernel steps: " + ", ".join(f"{k} {r['replay'] / r['n'] - r['d']:+.1f}" for k, r in runs.items())
      + f" ns; median {repeat:+.1f}; cudaGraphLaunch p50 median {launch:.0f} ns")
score = lambda f, g: sum(abs(P(rows[s], f, g, round(repeat), 4160) / rows[s]["replay"] - 1) for s in FIT)
for f in (1000, 1200, 1300, 1400, 1600):
    g = min(range(0, 500, 5), key=lambda g: score(f, g))
    print(f"  floor {f} ns: best gap {g} ns, sum |error| over the five fit shapes {score(f, g):.2%}")
gap = min(range(0, 500, 5), key=lambda g: score(1400, g))
print(f"H200 constants: floor 1400, gap {gap}, repeat {round(repeat)}, graph launch 4160 (shapes {', '.join(SHAPES)}; the last two held out)")
H100 = (1400, 170, -150, 3300); H200 = (1400, gap, round(repeat), 4160)
c100, c200 = node_cost(h100[1]), node_cost(h200[1])
print(f"node cost (the old calibration's measure): H100 {c100:.0f} ns, H200 {c200:.0f} ns")
print("  data, constants                                floor  gap  rep.")
show("H200 data, H200 constants", h200, H200)
show("H200 data, H100 constants", h200, H100)
s = c200 / c100; show(f"H200 data, H100 constants x {s:.3f} (node cost)", h200, (1400 * s, 170 * s, -150, 3300))
show("H100 data, H100 constants", h100, H100)
show("H100 data, H200 constants", h100, H200)
s = c100 / c200; show(f"H100 data, H200 constants x {s:.3f} (node cost)", h100, (1400 * s, gap * s, round(repeat), 4160))

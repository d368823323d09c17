# Fit and check the replay model of the graph step (docs/analyze.md, "The replay model") on the
# raw outputs of bench/gpu-model-calib.sh: P = sum over nodes of max(d, floor) + gap, + one graph
# launch, where d is each kernel's CUPTI duration when launched eagerly, against the graph replay
# p50 measured untraced in a clean process.
#   python3 bench/model-fit.py bench/results/h100-2026-12-06-model-calib [FLOOR_NS GAP_NS]
# Prints the best (floor, gap) over the PyTorch shapes, and the error of each workload (PyTorch
# shapes and graphprof run's harness kernels) under the best fit and under the given pair.
import glob, json, os, sys

d = sys.argv[1]
LAUNCH_NS = 3300  # cudaGraphLaunch p50 of an 847-node graph on this GPU (run-empty/copy/spin-1)
py = {}
for s in ["default-b1", "default-b8", "default-b32", "short-b1", "long-b1"]:
    last = lambda p: json.loads(open(p).read().strip().splitlines()[-1])
    c, g = last(f"{d}/py-{s}-count.json"), last(f"{d}/py-{s}-graph.json")
    py[s] = (c["kernelDurationsNs"], c["memOpsPerStep"], c["gpuMemOpNsPerStep"], g["replayEvents"]["p50Us"] * 1e3)
harness = {}
for f in sorted(glob.glob(f"{d}/run-*.json")):
    tag = os.path.basename(f)[4:-5]
    r, t = json.load(open(f)), json.load(open(f"{d}/trace-{tag}.json"))
    k = [k for k in t["kernels"] if "CUDA graph" not in k["name"]][0]  # eager instances (graph replays are one record)
    g = r["results"][0]["graph"]
    harness[tag] = (k["avgNs"], g["deviceNs"]["p50Ns"], g["nodes"])

def err_py(s, floor, gap):
    durs, nmem, memns, replay = py[s]
    p = sum(max(x, floor) + gap for x in durs) + memns + nmem * gap + LAUNCH_NS
    return p / replay - 1

def err_h(t, floor, gap):
    avg, replay, n = harness[t]
    return (n * (max(avg, floor) + gap) + LAUNCH_NS) / replay - 1

def show(label, floor, gap):
    e = {s: err_py(s, floor, gap) for s in py} | {t: err_h(t, floor, gap) for t in sorted(harness)}
    print(f"{label}: floor {floor} ns, gap {gap} ns")
    for k, v in e.items():
        print(f"  {k:12s} {v * 100:+6.1f}%")

fits = sorted((max(abs(err_py(s, f, g)) for s in py), f, g) for f in range(0, 3001, 50) for g in range(-400, 401, 10))
show(f"best fit on the PyTorch shapes (worst {fits[0][0] * 100:.2f}%)", fits[0][1], fits[0][2])
if len(sys.argv) > 3:
    show("given", int(sys.argv[2]), int(sys.argv[3]))
print("harness kernels, graph GPU time per node - eager CUPTI duration:", {t: round(v[1] / v[2] - v[0]) for t, v in sorted(harness.items())})

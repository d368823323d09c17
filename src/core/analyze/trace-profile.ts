// A trace's figures as the step model reads them: the rows the per-step figures divide (inside the
// marked steps when there are steps), each kernel's and memory operation's shortest and longest
// instance (the replay model prices a name exactly when all its instances lie on one side of the
// floor), the measured wall time of the marked steps and, where every step has it, the GPU busy
// time. Pure code; `trace` calls it, `analyze` reads the same shape from nsys reports.
import { toProfileInput, type TraceFigures } from '../trace/figures.js';
import type { ProfileInput } from './schema.js';
import type { StepWall } from './step-model.js';

export function traceProfile(path: string, f: TraceFigures): ProfileInput {
  const p = toProfileInput(path, f.stepRows, f.activity);
  if (p.kernels) {
    const byName = new Map(f.stepRows.kernels.map((k) => [k.name, k]));
    p.kernels = p.kernels.map((k) => ({ ...k, minNs: byName.get(k.name)?.minNs ?? null, maxNs: byName.get(k.name)?.maxNs ?? null }));
  }
  if (p.memOps) {
    const byName = new Map([...f.stepRows.memcpy, ...f.stepRows.memset].map((m) => [m.name, m]));
    p.memOps = p.memOps.map((m) => ({ ...m, minNs: byName.get(m.operation)?.minNs ?? null, maxNs: byName.get(m.operation)?.maxNs ?? null }));
  }
  const s = f.steps;
  // W and G only where they describe the same steps the rows do (a step marker, no --steps override)
  if (s && f.perStep.source === 'step-marker') {
    const wall: StepWall = {
      medianNs: s.durationNs.p50,
      minNs: s.durationNs.min,
      maxNs: s.durationNs.max,
      p10Ns: null,
      p90Ns: s.durationNs.p90,
      count: s.count,
      source: `${s.marker}, ${s.count} marked steps`,
    };
    p.stepWall = wall;
    // per-step busy time, as a total over the steps so that analyze divides it like the rows
    if (s.gpuBusyNs && f.perStep.scope === 'in-steps') p.gpuBusyNs = s.gpuBusyNs.mean * f.perStep.steps;
  }
  return p;
}

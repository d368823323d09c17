// The kernel order of a step, as the replay model needs it: how many of a step's kernels ran right
// after an instance of the same kernel on the same stream (a repeat, priced d + repeat instead of
// max(d, floor) + gap: docs/analyze.md, "The replay model"). Only the timeline's kept steps
// (--timeline-steps) hold every device event in order; the other steps are summed per name, so a
// kernel's share of repeats in the kept steps is applied to its instances over all steps. A kernel
// spread over k streams has at most c - k repeats in a step of c instances. Pure code.
import type { TimelineDeviceEvent, TimelineStep } from './record.js';

export interface KernelRepeats {
  /** kernel name -> instances per step that followed an instance of the same kernel on their stream */
  perStep: Map<string, number>;
  /** kernel name -> instances per kept step (what the repeats are a share of) */
  instancesPerStep: Map<string, number>;
  /** kept steps with device events the figures come from */
  steps: number;
}

/**
 * A kernel's repeats over all steps, from the kept steps: its share of repeats there times its
 * instances over all steps (a kept step may launch more or fewer of it than the average step).
 */
export function repeatsOf(order: KernelRepeats, name: string, instances: number): number {
  const kept = order.instancesPerStep.get(name) ?? 0;
  return kept > 0 ? ((order.perStep.get(name) ?? 0) / kept) * instances : 0;
}

/**
 * Repeats per kernel name per step over the kept steps that hold device events, or null when none
 * does (the host tracer, or no timeline). Within a step only: a step's first kernel follows nothing
 * (in a graph it is the first node). Graph nodes (replays already captured) are left out. A copy or
 * memset between two instances of a kernel makes the second one no repeat.
 */
export function kernelRepeatsPerStep(steps: readonly TimelineStep[]): KernelRepeats | null {
  const withDevice = steps.filter((s) => s.device.length > 0);
  if (withDevice.length === 0) return null;
  const total = new Map<string, number>();
  const instances = new Map<string, number>();
  for (const step of withDevice) {
    const byStream = new Map<number, TimelineDeviceEvent[]>();
    for (const e of step.device) {
      if (e.graph) continue;
      if (e.kind === 'kernel') instances.set(e.name, (instances.get(e.name) ?? 0) + 1);
      const list = byStream.get(e.stream);
      if (list) list.push(e);
      else byStream.set(e.stream, [e]);
    }
    for (const events of byStream.values()) {
      events.sort((a, b) => a.startNs - b.startNs);
      for (let i = 1; i < events.length; i++) {
        const e = events[i]!;
        const prev = events[i - 1]!;
        if (e.kind === 'kernel' && prev.kind === 'kernel' && e.name === prev.name) total.set(e.name, (total.get(e.name) ?? 0) + 1);
      }
    }
  }
  const per = (m: Map<string, number>) => new Map([...m].map(([name, n]) => [name, n / withDevice.length]));
  return { perStep: per(total), instancesPerStep: per(instances), steps: withDevice.length };
}

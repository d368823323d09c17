import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import type { TraceResult } from '../../../src/core/trace/result.js';
import { renderHtml } from '../../../src/report/html/index.js';
import { root } from '../../e2e/cli.js';

const fixture = (): TraceResult => JSON.parse(readFileSync(join(root, 'fixtures', 'report', 'trace.json'), 'utf8')) as TraceResult;
const count = (html: string, needle: string) => html.split(needle).length - 1;

describe('the trace section', () => {
  it('under the host tracer (no device records) shades the host time outside CUDA calls instead', () => {
    const r = fixture();
    r.timeline = r.timeline.map((p) => ({ ...p, steps: p.steps.map((s) => ({ ...s, device: [] })) }));
    const html = renderHtml([{ result: r, source: null }]);
    expect(html).toContain('host outside CUDA calls');
    expect(html).not.toContain('GPU stream');
    expect(html).toContain('No device records (host tracer)');
    // the 100 gaps between the step thread's 99 calls and the step's ends, none on the helper thread
    expect(count(html, 'data-gap=')).toBeGreaterThan(90);
  });

  it('a kernel\'s hover text names the launch that queued it (by correlation id)', () => {
    const html = renderHtml([{ result: fixture(), source: null }]);
    expect(html).toMatch(/<title>kernel gemv_bf16_kernel: [^<]*; queued by cudaLaunchKernel at \+[0-9.]+ µs, started [0-9.]+ µs after it<\/title>/);
  });

  it('caps the events drawn of one step, and says how many are left out', () => {
    const r = fixture();
    const step = r.timeline[0]!.steps[0]!;
    const host = Array.from({ length: 25_000 }, (_, i) => ({ tid: step.tid, name: 'cuLaunchKernel', startNs: step.startNs + i * 40, durationNs: 20, correlationId: 0 }));
    r.timeline = [{ pid: 1, steps: [{ ...step, endNs: step.startNs + 1_000_000, host, device: [] }] }];
    const html = renderHtml([{ result: r, source: null }]);
    expect(count(html, 'class="evt')).toBe(20_000);
    expect(html).toContain('5,000 of the step&#39;s 25,000 events, the latest, are not drawn');
  });

  it('where the API time alone exceeds W, says so and marks W with a tick', () => {
    const r = fixture();
    r.analysis.model.eagerStepNs.value = r.analysis.perStep.hostApiNs / 2;
    const html = renderHtml([{ result: r, source: null }]);
    expect(html).toContain("644 µs in API calls &gt; W 322 µs measured");
    expect(count(html, 'class="wmark"')).toBe(1);
  });

  it('says why there is no series or timeline in a result made before them', () => {
    const r = fixture() as Partial<TraceResult> & TraceResult;
    delete r.stepSeries;
    r.timeline = undefined as unknown as TraceResult['timeline'];
    const html = renderHtml([{ result: r, source: null }]);
    expect(html).toContain('This result holds no step series (made before the report existed).');
    expect(html).toContain('This result holds no timeline (made before trace --timeline-steps existed).');
  });
});

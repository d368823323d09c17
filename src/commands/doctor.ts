// `graphprof doctor`: what this installation can do, and whether `run` would work here.
import { EnvironmentError, EXIT } from '../errors.js';
import { SCHEMA_VERSION } from '../core/schema.js';
import { formatBytes } from '../core/units.js';
import { hostInfo, kernelDriverVersion } from '../harness/environment.js';
import { addonCandidates, cudaVersionString, loadHarness, unusableReason, type BuildInfo, type Probe } from '../harness/native.js';
import type { Io } from '../io.js';
import { renderJson } from '../report/json.js';
import { parseDoctorOptions, type RawDoctorOptions } from './doctor-options.js';
import { toolInfo } from '../version.js';

export interface DoctorReport {
  schemaVersion: string;
  tool: ReturnType<typeof toolInfo>;
  command: 'doctor';
  addon: { path: string | null; loaded: boolean; loadError: string | null; harness: string | null } & Partial<BuildInfo>;
  driverVersion: string | null;
  driverCudaVersion: string | null;
  runtimeCudaVersion: string | null;
  devices: Probe['devices'];
  probeError: string | null;
  host: ReturnType<typeof hostInfo>;
  runWorks: boolean;
  reason: string | null;
}

export function buildReport(device = 0): DoctorReport {
  const report: DoctorReport = {
    schemaVersion: SCHEMA_VERSION,
    tool: toolInfo(),
    command: 'doctor',
    addon: { path: null, loaded: false, loadError: null, harness: null },
    driverVersion: kernelDriverVersion(),
    driverCudaVersion: null,
    runtimeCudaVersion: null,
    devices: [],
    probeError: null,
    host: hostInfo(),
    runWorks: false,
    reason: null,
  };
  try {
    const harness = loadHarness();
    const build = harness.buildInfo();
    const probe = harness.probe();
    report.addon = { path: harness.path, loaded: true, loadError: null, harness: harness.kind, ...build };
    report.driverCudaVersion = cudaVersionString(probe.driverVersion);
    report.runtimeCudaVersion = cudaVersionString(probe.runtimeVersion);
    report.devices = probe.devices;
    report.probeError = probe.errorName ? `${probe.errorName}: ${probe.errorMessage}` : null;
    report.reason = unusableReason(build, probe, device);
  } catch (err) {
    if (!(err instanceof EnvironmentError)) throw err;
    report.addon = { path: addonCandidates()[0] ?? null, loaded: false, loadError: err.message, harness: null };
    report.reason = err.message;
  }
  report.runWorks = report.reason === null;
  return report;
}

export function renderDoctor(r: DoctorReport): string {
  const lines: string[] = [];
  const yes = (b: boolean | undefined) => (b ? 'yes' : 'no');
  lines.push(`graphprof ${r.tool.version}`);
  lines.push(`addon:          ${r.addon.loaded ? r.addon.path : `not loaded (${r.addon.loadError})`}`);
  if (r.addon.loaded) {
    lines.push(`  built with CUDA: ${yes(r.addon.cuda)}${r.addon.cuda ? ` (toolkit ${r.addon.toolkit}, architectures ${r.addon.architectures})` : ''}`);
    if (r.addon.harness === 'fake') lines.push('  FAKE HARNESS (GRAPHPROF_FAKE_HARNESS=1): nothing here is real');
  }
  lines.push(`CUDA runtime:   ${r.runtimeCudaVersion ?? 'unknown'}`);
  lines.push(`driver:         ${r.driverVersion ?? 'not found'}${r.driverCudaVersion ? ` (supports CUDA ${r.driverCudaVersion})` : ''}`);
  lines.push(`host:           ${r.host.cpu}, ${r.host.logicalCores} logical cores, ${r.host.platform}, node ${r.host.node}`);
  if (r.devices.length === 0) lines.push(`devices:        none${r.probeError ? ` (${r.probeError})` : ''}`);
  for (const d of r.devices) {
    lines.push(`device ${d.index}:       ${d.name}, compute capability ${d.computeCapability}, ${d.multiprocessors} SMs, ${formatBytes(d.totalMemoryBytes)}, PCI ${d.pciBusId}`);
  }
  lines.push(r.runWorks ? '`graphprof run` works here.' : `\`graphprof run\` will not work here: ${r.reason}`);
  return `${lines.join('\n')}\n`;
}

export async function execute(raw: RawDoctorOptions, io: Io): Promise<number> {
  const options = parseDoctorOptions(raw);
  const report = buildReport(options.device);
  io.out(options.json ? renderJson(report) : renderDoctor(report));
  return report.runWorks ? EXIT.ok : EXIT.environment;
}

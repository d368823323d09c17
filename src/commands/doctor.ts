// `graphprof doctor`: what this installation can do: which addon is in use and why, whether `run`
// would work here, and whether `trace` finds and can load its tracer libraries and CUPTI.
import { EnvironmentError, EXIT } from '../errors.js';
import { SCHEMA_VERSION } from '../core/schema.js';
import { formatBytes } from '../core/units.js';
import { hostInfo, kernelDriverVersion } from '../harness/environment.js';
import { addonCandidates, cudaVersionString, explainChoice, loadHarness, unusableReason, type AddonChoice, type BuildInfo, type Probe } from '../harness/native.js';
import { checkTracers, type TraceReadiness } from '../harness/tracer/readiness.js';
import type { Io } from '../io.js';
import { renderJson } from '../report/json.js';
import { parseDoctorOptions, type RawDoctorOptions } from './doctor-options.js';
import { toolInfo } from '../version.js';

export interface DoctorReport {
  schemaVersion: string;
  tool: ReturnType<typeof toolInfo>;
  command: 'doctor';
  addon: {
    path: string | null;
    loaded: boolean;
    loadError: string | null;
    harness: string | null;
    /** prebuilt (shipped in the package), source (built here), stub (CPU-only), env (GRAPHPROF_ADDON), unknown */
    origin: AddonChoice['origin'] | null;
    /** why this addon is the one in use, in one sentence */
    why: string | null;
    /** candidates tried before it, each "PATH: why not" */
    passedOver: string[];
  } & Partial<BuildInfo>;
  driverVersion: string | null;
  driverCudaVersion: string | null;
  runtimeCudaVersion: string | null;
  devices: Probe['devices'];
  probeError: string | null;
  host: ReturnType<typeof hostInfo>;
  runWorks: boolean;
  reason: string | null;
  /** the tracer libraries and CUPTI `trace` needs, each found and load-tested */
  trace: TraceReadiness;
}

export function buildReport(device = 0): DoctorReport {
  const report: DoctorReport = {
    schemaVersion: SCHEMA_VERSION,
    tool: toolInfo(),
    command: 'doctor',
    addon: { path: null, loaded: false, loadError: null, harness: null, origin: null, why: null, passedOver: [] },
    driverVersion: kernelDriverVersion(),
    driverCudaVersion: null,
    runtimeCudaVersion: null,
    devices: [],
    probeError: null,
    host: hostInfo(),
    runWorks: false,
    reason: null,
    trace: checkTracers(),
  };
  try {
    const harness = loadHarness();
    const build = harness.buildInfo();
    const probe = harness.probe();
    report.addon = {
      path: harness.path,
      loaded: true,
      loadError: null,
      harness: harness.kind,
      origin: harness.choice.origin,
      why: explainChoice(harness.choice, build, probe),
      passedOver: harness.choice.passedOver,
      ...build,
    };
    report.driverCudaVersion = cudaVersionString(probe.driverVersion);
    report.runtimeCudaVersion = cudaVersionString(probe.runtimeVersion);
    report.devices = probe.devices;
    report.probeError = probe.errorName ? `${probe.errorName}: ${probe.errorMessage}` : null;
    report.reason = unusableReason(build, probe, device, harness.choice);
  } catch (err) {
    if (!(err instanceof EnvironmentError)) throw err;
    report.addon = { path: addonCandidates()[0] ?? null, loaded: false, loadError: err.message, harness: null, origin: null, why: null, passedOver: [] };
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
    lines.push(`  in use because: ${r.addon.why}`);
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
  const tracer = (name: string, t: TraceReadiness['host']): string => (t.ready ? `${name}: ready (${t.library})` : `${name}: not ready: ${t.problem}`);
  lines.push(`trace, host tracer:  ${tracer('library', r.trace.host).replace(/^library: /, '')}`);
  lines.push(`trace, CUPTI tracer: ${r.trace.cupti.ready ? `ready (${r.trace.cupti.library}, CUPTI ${r.trace.cupti.cupti} from the ${r.trace.cupti.cuptiSource})` : `not ready: ${r.trace.cupti.problem}`}`);
  lines.push(r.runWorks ? '`graphprof run` works here.' : `\`graphprof run\` will not work here: ${r.reason}`);
  return `${lines.join('\n')}\n`;
}

export async function execute(raw: RawDoctorOptions, io: Io): Promise<number> {
  const options = parseDoctorOptions(raw);
  const report = buildReport(options.device);
  io.out(options.json ? renderJson(report) : renderDoctor(report));
  return report.runWorks ? EXIT.ok : EXIT.environment;
}

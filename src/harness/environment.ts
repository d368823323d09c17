// What the result was measured on: GPU, driver, CUDA runtime, host CPU. Read once per run.
import { readFileSync } from 'node:fs';
import os from 'node:os';

import type { Environment } from '../core/schema.js';
import type { BuildInfo, Harness, Probe } from './native.js';
import { cudaVersionString } from './native.js';

/** "NVRM version: NVIDIA UNIX x86_64 Kernel Module  580.159.04  ..." -> "580.159.04" */
export function parseDriverVersion(procText: string): string | null {
  const m = /Kernel Module\s+(?:for\s+\S+\s+)?([0-9]+(?:\.[0-9]+)+)/.exec(procText);
  return m ? m[1]! : null;
}

export function kernelDriverVersion(): string | null {
  try {
    return parseDriverVersion(readFileSync('/proc/driver/nvidia/version', 'utf8'));
  } catch {
    return null;
  }
}

export function hostInfo(): Environment['host'] {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    logicalCores: cpus.length,
    platform: `${os.platform()}-${os.arch()}`,
    node: process.version,
  };
}

export function describeEnvironment(harness: Harness | null, build: BuildInfo | null, probe: Probe | null, device: number): Environment {
  const gpu = probe?.devices.find((d) => d.index === device) ?? null;
  return {
    harness: harness?.kind ?? 'none',
    gpu,
    driverVersion: harness?.kind === 'fake' ? 'fake' : kernelDriverVersion(),
    driverCudaVersion: probe ? cudaVersionString(probe.driverVersion) : null,
    runtimeCudaVersion: probe ? cudaVersionString(probe.runtimeVersion) : null,
    addon: build ? { cuda: build.cuda, architectures: build.architectures, toolkit: build.toolkit } : null,
    host: hostInfo(),
  };
}

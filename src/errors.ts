// One error hierarchy, one exit point: commands throw these, and only src/cli.ts prints one line
// and sets the exit code. Exit codes are part of the interface (docs/usage.md).

export const EXIT = {
  ok: 0,
  gateFailed: 1,
  badInput: 2,
  environment: 3,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class GraphprofError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A flag or argument that is malformed or out of range (exit 2). */
export class UsageError extends GraphprofError {
  constructor(message: string) {
    super(message, EXIT.badInput);
  }
}

/** A file whose content cannot be used; names the file and, where known, the line (exit 2). */
export class InputError extends GraphprofError {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly problem: string,
  ) {
    super(line === undefined ? `${file}: ${problem}` : `${file}:${line}: ${problem}`, EXIT.badInput);
  }
}

/** No device, no driver, an addon built without CUDA, a CUDA error (exit 3). */
export class EnvironmentError extends GraphprofError {
  constructor(message: string) {
    super(message, EXIT.environment);
  }
}

/** A gate failed: regression, threshold, or a wrong result from the GPU (exit 1). */
export class GateError extends GraphprofError {
  constructor(message: string) {
    super(message, EXIT.gateFailed);
  }
}

/**
 * A value that does not parse, thrown by pure core functions that do not know which flag or file
 * the value came from; the caller wraps it into a UsageError or InputError with that context.
 */
export class ValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValueError';
  }
}

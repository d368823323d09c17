// JSON output: one object, two-space indented, NaN and infinities as null (JSON has neither).
export function renderJson(value: unknown): string {
  return `${JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
}

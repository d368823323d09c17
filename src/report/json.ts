// JSON output: one object, two-space indented, NaN and infinities as null (JSON has neither).
// JSON.stringify escapes C0 controls; DEL, C1 controls and bidirectional overrides are escaped
// here too (\u0085 ...), so a name read from a report cannot drive a terminal the JSON is shown on.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

export function renderJson(value: unknown): string {
  const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2);
  return `${text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
}

// Text read from reports, result files and traced programs is printed escaped: a name holding ESC,
// BEL or other control characters would otherwise move the cursor, retitle or clear the terminal,
// or hide the rest of a line. C0 and C1 controls and DEL become \xNN, bidirectional overrides
// (which reorder what is shown) \uNNNN; everything else is printed as it is.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const CONTROL_OR_NEWLINE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `text` with control characters escaped; tabs and newlines kept unless `oneLine`. */
export function printable(text: string, oneLine = false): string {
  const re = oneLine ? CONTROL_OR_NEWLINE : CONTROL;
  re.lastIndex = 0;
  return re.test(text) ? text.replace(re, escapeChar) : text;
}

// eslint-disable-next-line no-control-regex
const SGR = /\x1b\[[0-9;]*m/g;

/**
 * printable(), but colour sequences (ESC [ ... m) are kept: for text a renderer coloured with
 * chalk (trace's report on stderr). Its names were made printable before colouring (printableDeep),
 * so what passes here is our colour; a name can at most change a colour, never move the cursor.
 */
export function printableKeepColour(text: string): string {
  let out = '';
  let from = 0;
  SGR.lastIndex = 0;
  for (let m = SGR.exec(text); m; m = SGR.exec(text)) {
    out += printable(text.slice(from, m.index)) + m[0];
    from = m.index + m[0].length;
  }
  return out + printable(text.slice(from));
}

/** A copy of `value` with every string printable(): for the text renderers, before layout. */
export function printableDeep<T>(value: T): T {
  if (typeof value === 'string') return printable(value, true) as T;
  if (Array.isArray(value)) return value.map((v) => printableDeep(v)) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = printableDeep(v);
    return out as T;
  }
  return value;
}

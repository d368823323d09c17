// A small strict XML 1.0 well-formedness checker for tests (no DTDs, no namespaces checks): one
// root element, matched tags, quoted and unique attributes, only the five predefined entities and
// character references, no raw `<` or `&` in text or attribute values, no characters XML forbids.
// It returns the element tree, so tests can count test cases and read attributes.

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = /^[A-Za-z_:][-A-Za-z0-9_:.]*/;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const FORBIDDEN = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

export class XmlError extends Error {}

function decode(raw: string, where: number): string {
  if (raw.includes('<')) throw new XmlError(`raw "<" at ${where}`);
  return raw.replace(/&([^;]*);|&/g, (whole, ref: string | undefined) => {
    if (ref === undefined) throw new XmlError(`bare "&" at ${where}`);
    if (ref in ENTITIES) return ENTITIES[ref]!;
    const m = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(ref);
    if (!m) throw new XmlError(`unknown entity &${ref}; at ${where}`);
    const code = m[1] !== undefined ? parseInt(m[1], 16) : Number(m[2]);
    const ch = String.fromCodePoint(code);
    if (FORBIDDEN.test(ch)) throw new XmlError(`character reference to a forbidden character at ${where}`);
    return ch;
  });
}

export function parseXml(text: string): XmlElement {
  if (FORBIDDEN.test(text)) throw new XmlError('a character XML 1.0 forbids');
  let i = 0;
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  if (text.startsWith('<?xml')) {
    const end = text.indexOf('?>');
    if (end < 0) throw new XmlError('unterminated XML declaration');
    if (!/^<\?xml\s+version="1\.[0-9]"(\s+encoding="[A-Za-z][-A-Za-z0-9._]*")?(\s+standalone="(yes|no)")?\s*\?>$/.test(text.slice(0, end + 2))) {
      throw new XmlError('malformed XML declaration');
    }
    i = end + 2;
  }
  const skipMisc = () => {
    for (;;) {
      skipSpace();
      if (text.startsWith('<!--', i)) {
        const end = text.indexOf('-->', i + 4);
        if (end < 0) throw new XmlError('unterminated comment');
        if (text.slice(i + 4, end).includes('--')) throw new XmlError('"--" inside a comment');
        i = end + 3;
      } else return;
    }
  };

  const element = (): XmlElement => {
    if (text[i] !== '<') throw new XmlError(`expected "<" at ${i}`);
    i++;
    const name = NAME.exec(text.slice(i))?.[0];
    if (!name) throw new XmlError(`expected an element name at ${i}`);
    i += name.length;
    const el: XmlElement = { name, attrs: {}, children: [], text: '' };
    for (;;) {
      const before = i;
      skipSpace();
      if (text.startsWith('/>', i)) {
        i += 2;
        return el;
      }
      if (text[i] === '>') {
        i++;
        break;
      }
      if (i === before) throw new XmlError(`expected whitespace before an attribute at ${i}`);
      const attr = NAME.exec(text.slice(i))?.[0];
      if (!attr) throw new XmlError(`expected an attribute name at ${i}`);
      i += attr.length;
      skipSpace();
      if (text[i] !== '=') throw new XmlError(`expected "=" after ${attr} at ${i}`);
      i++;
      skipSpace();
      const quote = text[i];
      if (quote !== '"' && quote !== "'") throw new XmlError(`unquoted value of ${attr} at ${i}`);
      const end = text.indexOf(quote, i + 1);
      if (end < 0) throw new XmlError(`unterminated value of ${attr}`);
      if (attr in el.attrs) throw new XmlError(`duplicate attribute ${attr} on <${name}>`);
      el.attrs[attr] = decode(text.slice(i + 1, end), i);
      i = end + 1;
    }
    for (;;) {
      const lt = text.indexOf('<', i);
      if (lt < 0) throw new XmlError(`<${name}> is never closed`);
      el.text += decode(text.slice(i, lt), i);
      i = lt;
      if (text.startsWith('</', i)) {
        i += 2;
        const close = NAME.exec(text.slice(i))?.[0];
        if (close !== name) throw new XmlError(`</${close}> closes <${name}>`);
        i += close.length;
        skipSpace();
        if (text[i] !== '>') throw new XmlError(`expected ">" at ${i}`);
        i++;
        return el;
      }
      if (text.startsWith('<!--', i)) {
        skipMisc();
        continue;
      }
      if (text.startsWith('<![CDATA[', i)) {
        const end = text.indexOf(']]>', i);
        if (end < 0) throw new XmlError('unterminated CDATA');
        el.text += text.slice(i + 9, end);
        i = end + 3;
        continue;
      }
      el.children.push(element());
    }
  };

  skipMisc();
  const root = element();
  skipMisc();
  if (i !== text.length) throw new XmlError(`content after the root element at ${i}`);
  return root;
}

/** Every element named `name` in the tree, depth first. */
export function findAll(el: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement) => {
    if (e.name === name) out.push(e);
    e.children.forEach(walk);
  };
  walk(el);
  return out;
}

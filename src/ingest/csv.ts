// RFC 4180 fields of one CSV record: commas separate, a field that starts with a double quote runs
// to the matching quote and may hold commas, newlines and doubled quotes (""). nsys quotes names
// that contain commas ("void k<(int)1, (int)4>(const float *, float *)").

/**
 * Split one record into fields. Returns null when a quoted field is still open at the end of the
 * text, so the caller can append the next line (a quoted field with a newline) and try again.
 */
export function splitCsvRecord(line: string): string[] | null {
  const fields: string[] = [];
  const n = line.length;
  let i = 0;
  for (;;) {
    if (i < n && line.charCodeAt(i) === 34) {
      // quoted field
      let value = '';
      let from = i + 1;
      for (;;) {
        const q = line.indexOf('"', from);
        if (q === -1) return null;
        if (q + 1 < n && line.charCodeAt(q + 1) === 34) {
          value += line.slice(from, q + 1);
          from = q + 2;
          continue;
        }
        value += line.slice(from, q);
        i = q + 1;
        break;
      }
      // anything between the closing quote and the next comma is kept, as csv-parse's relax mode does not; nsys never writes it
      const comma = line.indexOf(',', i);
      if (comma === -1) {
        fields.push(value + line.slice(i));
        return fields;
      }
      fields.push(value + line.slice(i, comma));
      i = comma + 1;
      if (i === n) {
        fields.push('');
        return fields;
      }
    } else {
      const comma = line.indexOf(',', i);
      if (comma === -1) {
        fields.push(line.slice(i));
        return fields;
      }
      fields.push(line.slice(i, comma));
      i = comma + 1;
      if (i === n) {
        fields.push('');
        return fields;
      }
    }
  }
}

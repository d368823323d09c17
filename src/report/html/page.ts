// The page shell of the HTML report: one self-contained file (inline CSS and SVG, no script, no
// font, no image, no link to anything), light and dark by prefers-color-scheme. Hover values are
// SVG <title>s, which browsers show without scripts; each figure also lists its values in a table.
import { el, esc } from './svg.js';

/**
 * Colours by meaning, not by position, so "eager" is the same colour in every picture. Chosen to stay
 * apart for the common colour-vision deficiencies (Okabe-Ito hues), a shade darker in light mode.
 */
const CSS = `
:root{color-scheme:light dark;--bg:#ffffff;--fg:#1d1d1f;--muted:#5f6368;--grid:#e4e4e7;--axis:#6b7280;--panel:#f6f7f9;
--eager:#d55e00;--graph:#0072b2;--gpu:#009e73;--launch:#cc3311;--sync:#8e44ad;--api:#e69f00;--host:#9aa0a6;--idle:#f0c5c5;
--pred:#56b4e9;--model:#6b7280;--bad:#c0392b;--good:#1e8449}
@media (prefers-color-scheme:dark){:root{--bg:#16181d;--fg:#e8eaed;--muted:#a0a4ab;--grid:#2c3038;--axis:#8b919a;--panel:#1f232a;
--eager:#ff8c42;--graph:#4fa3e0;--gpu:#3cc99a;--launch:#ff6b5a;--sync:#c08ae0;--api:#f5c04a;--host:#70757d;--idle:#5a3030;
--pred:#8fd0f5;--model:#9aa0a6;--bad:#ff6b5a;--good:#4ccf7f}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 8px;border-bottom:1px solid var(--grid);padding-bottom:4px}
h3{font-size:15px;margin:0 0 6px}
.meta{color:var(--muted);margin:2px 0}
figure{margin:18px 0;padding:14px 16px;background:var(--panel);border-radius:8px}
figcaption{margin-top:6px}
.method{color:var(--muted);font-size:12.5px;margin:6px 0 0}
.note{font-size:12.5px;margin:4px 0 0}
.estimated{font-style:italic}
svg.chart{width:100%;height:auto;display:block;overflow:visible}
svg text{fill:var(--fg);font-size:11px}
svg .tick{fill:var(--muted)}
svg .axis-label{font-size:12px}
svg .value{font-size:10.5px}
svg .lane{fill:var(--muted);font-size:11px}
svg .axis{stroke:var(--axis);stroke-width:1}
svg .grid{stroke:var(--grid);stroke-width:1}
.k-eager{fill:var(--eager);stroke:var(--eager)}.k-graph{fill:var(--graph);stroke:var(--graph)}
.k-gpu{fill:var(--gpu);stroke:var(--gpu)}.k-launch{fill:var(--launch);stroke:var(--launch)}
.k-sync{fill:var(--sync);stroke:var(--sync)}.k-api{fill:var(--api);stroke:var(--api)}
.k-host{fill:var(--host);stroke:var(--host)}.k-idle{fill:var(--idle);stroke:none}
.k-pred{fill:var(--pred);stroke:var(--pred)}.k-model{fill:var(--model);stroke:var(--model)}
.k-bad{fill:var(--bad);stroke:var(--bad)}.k-good{fill:var(--good);stroke:var(--good)}
svg .ln{fill:none;stroke-width:2}svg .dash{stroke-dasharray:5 4}
svg .band{stroke:none;opacity:.22}svg .bar{stroke:none}svg .pt{stroke:var(--bg);stroke-width:1.2}
svg .open{fill:var(--bg);stroke-width:2}svg .whisker{stroke-width:1.5;fill:none}
svg .evt{stroke:none}svg .wmark{stroke:var(--fg);stroke-width:2.5}svg .gate{stroke-width:2;fill:none;stroke-dasharray:4 3}
.legend{list-style:none;margin:6px 0 0;padding:0;display:flex;flex-wrap:wrap;gap:4px 16px;font-size:12.5px}
.legend li{display:flex;align-items:center;gap:6px}
.sw{display:inline-block;width:14px;height:10px;border-radius:2px;border:0}
.sw-line{height:3px;border-radius:0}.sw-dash{height:0;border-top:3px dashed;background:none!important}
.sw-dot{width:9px;height:9px;border-radius:50%}.sw.band-sw{opacity:.3}
.sw.k-eager{background:var(--eager);color:var(--eager)}.sw.k-graph{background:var(--graph);color:var(--graph)}
.sw.k-gpu{background:var(--gpu);color:var(--gpu)}.sw.k-launch{background:var(--launch);color:var(--launch)}
.sw.k-sync{background:var(--sync);color:var(--sync)}.sw.k-api{background:var(--api);color:var(--api)}
.sw.k-host{background:var(--host);color:var(--host)}.sw.k-idle{background:var(--idle);color:var(--idle)}
.sw.k-pred{background:var(--pred);color:var(--pred)}.sw.k-model{background:var(--model);color:var(--model)}
.sw.k-bad{background:var(--bad);color:var(--bad)}.sw.k-good{background:var(--good);color:var(--good)}
details{margin-top:8px;font-size:12.5px}summary{cursor:pointer;color:var(--muted)}
table{border-collapse:collapse;margin-top:6px}th,td{padding:2px 10px;text-align:right;border-bottom:1px solid var(--grid)}
th:first-child,td:first-child{text-align:left}
.empty{color:var(--muted);font-style:italic}
code{font-size:12.5px}
`;

export interface FigureSpec {
  /** stable id, used by the browser test and for links: "run-step-time" */
  id: string;
  title: string;
  /** the picture (an <svg>), or a sentence saying why there is none */
  body: string;
  /** the method line: how the figures drawn were measured or derived (as the tables say) */
  method: string;
  legend?: string;
  notes?: readonly string[];
  /** the values drawn, as a table (headers, then rows of printed values) */
  values?: { head: readonly string[]; rows: readonly (readonly string[])[] };
}

export function figure(f: FigureSpec): string {
  const table = f.values && f.values.rows.length > 0
    ? el(
        'details',
        {},
        `${el('summary', {}, 'values')}${el(
          'table',
          {},
          `${el('tr', {}, f.values.head.map((h) => el('th', {}, esc(h))).join(''))}${f.values.rows
            .map((r) => el('tr', {}, r.map((c) => el('td', {}, esc(c))).join('')))
            .join('')}`,
        )}`,
      )
    : '';
  const notes = (f.notes ?? []).map((n) => el('p', { class: 'note' }, esc(n))).join('');
  return el(
    'figure',
    { id: f.id, 'data-chart': f.id },
    `${el('h3', {}, esc(f.title))}${f.body}${f.legend ?? ''}${el('figcaption', {}, `${el('p', { class: 'method' }, esc(f.method))}${notes}`)}${table}`,
  );
}

/** A paragraph in place of a picture whose data the result does not hold. */
export function missing(why: string): string {
  return el('p', { class: 'empty' }, esc(why));
}

export interface Section {
  /** heading of the result, e.g. "graphprof run" */
  heading: string;
  /** lines under the heading: the environment, the workload, the source */
  meta: readonly string[];
  figures: readonly string[];
}

/** The whole page. */
export function page(title: string, sections: readonly Section[]): string {
  const body = sections
    .map(
      (s) =>
        el(
          'section',
          {},
          `${el('h2', {}, esc(s.heading))}${s.meta.map((m) => el('p', { class: 'meta' }, esc(m))).join('')}${s.figures.join('')}`,
        ),
    )
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<h1>${esc(title)}</h1>
<p class="meta">Made by graphprof from its JSON results. Methods: docs/methodology.md, docs/analyze.md, docs/recommend.md, docs/ci.md; the pictures: docs/report.md.</p>
${body}
</main>
</body>
</html>
`;
}

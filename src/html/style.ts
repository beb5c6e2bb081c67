/** The report's stylesheet: system fonts only, nothing fetched. */
export const STYLE = `
:root {
  --ink: #1f2328; --muted: #59636e; --line: #d8dee4; --paper: #f6f7f5; --card: #fff;
  --pass: #1a7f37; --pass-bg: #dafbe1; --fail: #c62828; --fail-bg: #ffebe9;
  --error: #9a3412; --error-bg: #fff1e5; --accent: #0b5cd5; --accent-soft: rgba(11, 92, 213, .22);
  --window: #7c3aed;
  --mono: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace;
}
* { box-sizing: border-box; }
body {
  margin: 0; padding: 28px 32px 64px; background: var(--paper); color: var(--ink);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
}
main { max-width: 1480px; margin: 0 auto; }
h1 { font-size: 22px; margin: 0 0 4px; display: flex; gap: 12px; align-items: center; }
h2 { font-size: 18px; margin: 0; display: flex; gap: 10px; align-items: baseline; flex-wrap: wrap; }
h3 { font-size: 15px; margin: 0 0 6px; }
h4 { font-size: 12px; margin: 0 0 6px; color: var(--muted); font-weight: 600;
  text-transform: uppercase; letter-spacing: .04em; }
code, .mono, .file { font-family: var(--mono); font-size: 12.5px; }
.file { color: var(--muted); font-weight: 400; word-break: break-all; }
.lede { color: var(--muted); margin: 0 0 18px; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px;
  font-weight: 700; letter-spacing: .04em; }
.badge.pass { color: var(--pass); background: var(--pass-bg); }
.badge.fail { color: var(--fail); background: var(--fail-bg); }
.badge.error { color: var(--error); background: var(--error-bg); }
table.summary { border-collapse: collapse; background: var(--card); border: 1px solid var(--line);
  border-radius: 8px; overflow: hidden; margin-bottom: 24px; min-width: 60%; }
table.summary th, table.summary td { padding: 6px 12px; text-align: left; border-bottom: 1px solid var(--line); }
table.summary th { font-size: 12px; color: var(--muted); font-weight: 600; background: #fafbfa; }
table.summary td.num { text-align: right; font-family: var(--mono); font-size: 12.5px; }
table.summary td.bad { color: var(--fail); font-weight: 600; }
table.summary a { color: inherit; }
.errors { background: var(--error-bg); border: 1px solid #f3c9a8; border-radius: 8px; padding: 10px 16px;
  margin-bottom: 24px; }
.errors ul { margin: 6px 0 0; padding-left: 18px; }
.errors li { font-family: var(--mono); font-size: 12.5px; white-space: pre-wrap; word-break: break-word; }
section.fixture { background: var(--card); border: 1px solid var(--line); border-radius: 10px;
  padding: 18px 22px; margin-bottom: 28px; }
section.fixture.fail { border-top: 4px solid var(--fail); }
section.fixture.pass { border-top: 4px solid var(--pass); }
section.fixture.error { border-top: 4px solid var(--error); }
.description { margin: 6px 0 0; color: var(--muted); white-space: pre-wrap; }
.why { margin: 6px 0 0; color: var(--fail); font-weight: 600; }
.message { font-family: var(--mono); font-size: 12.5px; white-space: pre-wrap; word-break: break-word;
  background: var(--error-bg); padding: 8px 12px; border-radius: 6px; }
.layout { display: grid; grid-template-columns: minmax(0, 1fr) 300px; gap: 20px; margin-top: 14px; }
@media (max-width: 1100px) { .layout { grid-template-columns: 1fr; } }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0 0 12px; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; font-family: var(--mono); font-size: 12.5px; }
ul.warnings, ul.diagnoses { margin: 0 0 12px; padding: 0; list-style: none; }
ul.warnings li { background: #fff8c5; border-left: 3px solid #d4a72c; padding: 4px 10px; margin-bottom: 4px; }
ul.diagnoses li { background: #f3f0ff; border-left: 3px solid var(--window); padding: 6px 10px; margin-bottom: 6px; }
ul.diagnoses code { font-weight: 700; }
.expected { color: var(--muted); font-size: 13px; margin: 0 0 12px; }
figure { margin: 0; }
figure.geometry { display: inline-block; }
figure.geometry figcaption { color: var(--muted); font-size: 12.5px; margin-top: 4px; max-width: 640px; }
.geometry .pad-bg { fill: #eceae4; }
.geometry .pad-line { stroke: #cdc9bf; stroke-width: 2; }
.geometry .real { fill: #fff; stroke: #8c959f; stroke-width: 1; }
.geometry .grid-line { fill: none; stroke: #d8dee4; stroke-width: 1; }
.geometry .grid { pointer-events: none; }
.geometry .unused { fill: #f6d8a8; opacity: .75; }
.geometry .geo-label { font-size: 12px; fill: var(--muted); }
.geometry .span { fill: none; stroke: var(--window); stroke-width: 1.5; stroke-dasharray: 4 3; }
.geometry .tap { fill: rgba(124, 58, 237, .28); stroke: var(--window); stroke-width: 1.5; }
.geometry .tap.in-padding { fill: rgba(124, 58, 237, .08); stroke-dasharray: 3 2; }
.geometry .picked { fill: rgba(124, 58, 237, .45); stroke: var(--window); stroke-width: 2; }
.geometry .link { stroke: var(--window); stroke-width: 1; opacity: .55; stroke-dasharray: 2 3; }
.geometry .dep { fill: var(--accent-soft); }
.geometry .dep-edge { fill: none; stroke: var(--accent); stroke-width: 1.5; vector-effect: non-scaling-stroke; }
.geometry g:last-of-type { cursor: pointer; }
.tensor { margin-top: 22px; }
.tensor h3 .stat { font-weight: 400; color: var(--muted); font-size: 13px; }
.legends { display: flex; flex-wrap: wrap; gap: 6px 28px; align-items: center; margin: 4px 0 10px;
  font-size: 12px; color: var(--muted); }
.legend { display: flex; align-items: center; gap: 6px; }
.legend-bar text { font-size: 10.5px; fill: var(--muted); font-family: var(--mono); }
.legend-bar text.rtol { fill: var(--ink); font-weight: 700; }
.legend-bar .tick { stroke: #8c959f; }
.legend-bar .tick.rtol { stroke: var(--ink); stroke-width: 2; }
.legend-bar .bar { stroke: #c9d1d9; }
.mark-key { display: inline-flex; align-items: center; gap: 4px; margin-right: 12px; }
.key-failing { fill: none; stroke: #111; stroke-width: 2; }
.key-halo { fill: none; stroke: #fff; stroke-width: 4; }
.key-ring { fill: none; stroke: #111; stroke-width: 1.8; }
.key-unchecked { fill: #e4e4e0; }
.key-unchecked-line { stroke: #b8b8b2; }
.panels { display: flex; flex-wrap: wrap; gap: 18px 20px; align-items: flex-start; }
.slices { display: grid; gap: 8px; }
figure.map { display: flex; flex-direction: column; align-items: flex-start; }
figure.map figcaption { font-family: var(--mono); font-size: 11px; color: var(--muted); margin-top: 2px; }
.map-box { position: relative; cursor: crosshair; background: #fff; box-shadow: 0 0 0 1px #d0d7de; }
.map-box canvas { display: block; }
.map-box svg.marks { position: absolute; left: 0; top: 0; overflow: visible; pointer-events: none; }
.marks .failing { fill: none; stroke: #111; stroke-width: 2; stroke-linecap: square; vector-effect: non-scaling-stroke; }
.marks .worst .halo { fill: none; stroke: #fff; stroke-width: 4.5; vector-effect: non-scaling-stroke; }
.marks .worst .ring { fill: none; stroke: #111; stroke-width: 2; vector-effect: non-scaling-stroke; }
.marks .kink { fill: #be185d; }
.key-kink { fill: #be185d; }
.marks .veil { fill: rgba(246, 247, 245, .78); }
.fine .marks .failing, .fine .marks .dep { stroke-width: 1; }
.marks .dep { fill: none; stroke: var(--accent); stroke-width: 1.5; vector-effect: non-scaling-stroke; }
.marks .sel { fill: none; stroke: var(--accent); stroke-width: 3; vector-effect: non-scaling-stroke; }
.omitted { color: var(--muted); font-size: 12.5px; margin: 6px 0 0; }
aside.inspector { position: sticky; top: 16px; align-self: start; border: 1px solid var(--line);
  border-radius: 8px; padding: 12px 14px; background: #fbfcfb; font-size: 13px; }
aside.inspector .hint { color: var(--muted); margin: 0; }
.cell-info h4 { text-transform: none; letter-spacing: 0; color: var(--ink); font-size: 14px;
  font-family: var(--mono); }
.cell-info table.values { border-collapse: collapse; margin-bottom: 8px; }
.cell-info table.values th { text-align: left; color: var(--muted); font-weight: 400; padding: 1px 12px 1px 0; }
.cell-info table.values td { font-family: var(--mono); font-size: 12.5px; }
.cell-info tr.bad td { color: var(--fail); font-weight: 700; }
.cell-info .chain { margin: 6px 0 4px; }
.cell-info ol.terms { margin: 0; padding-left: 20px; font-family: var(--mono); font-size: 11.5px; }
.cell-info ol.terms li.more { list-style: none; color: var(--muted); }
.cell-info .total { font-family: var(--mono); font-size: 12.5px; margin: 4px 0; }
.cell-info .where { color: var(--muted); font-size: 12px; margin: 8px 0 0; }
.charts { display: flex; flex-wrap: wrap; gap: 24px; margin: 8px 0 12px; }
.chart text { font-size: 11px; fill: var(--muted); font-family: var(--mono); }
.chart .axis { stroke: #8c959f; stroke-width: 1; }
.chart .gridline { stroke: #eaeef2; }
.chart .curve { fill: none; stroke: var(--accent); stroke-width: 2; }
.chart .dot { fill: var(--accent); }
.chart .stable { fill: #dafbe1; }
.chart .unstable { fill: #ffebe9; }
.chart .lr { stroke: var(--ink); stroke-width: 2.5; }
.chart .limit { stroke: var(--fail); stroke-width: 1.5; stroke-dasharray: 4 3; }
.chart .title { fill: var(--ink); font-family: inherit; font-size: 12px; font-weight: 600; }
.readings { margin: 0; padding-left: 18px; max-width: 560px; align-self: center; }
.readings li { margin-bottom: 4px; }
.readings li.bad { color: var(--fail); }
.verdict-good { color: var(--pass); font-weight: 600; margin: 6px 0; }
.chart .mark { fill: none; stroke: var(--fail); stroke-width: 2; }
.chart .mark-label { fill: var(--fail); font-weight: 700; paint-order: stroke; stroke: #fff;
  stroke-width: 3px; }
.chart .key { fill: var(--ink); font-family: inherit; }
.diagnosis-box { max-height: 48vh; overflow: auto; margin: -2px -4px 12px; padding: 0 4px 8px;
  border-bottom: 1px solid var(--line); }
.diagnosis-box h3 { font-size: 14px; }
aside ul.diagnoses li { font-size: 12.5px; }
p.tags { margin: 0 0 8px; color: var(--muted); font-size: 12px; }
.tag { display: inline-block; font-family: var(--mono); font-size: 11.5px; padding: 0 6px;
  border-radius: 4px; background: #f3f0ff; color: #4c1d95; border: 1px solid #ddd6fe; cursor: help; }
.impl { margin: 0 0 10px; }
ul.diagnoses .on { color: var(--muted); font-size: 12.5px; }
ul.diagnoses.blind li { background: #f6f8fa; border-left-color: #8c959f; }
footer { color: var(--muted); font-size: 12px; margin-top: 24px; }
`;

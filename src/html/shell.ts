import { createHash } from "node:crypto";
import * as dependencies from "../core/dependencies.js";
import * as colours from "./client/colours.js";
import * as dom from "./client/dom.js";
import * as geometry from "./client/geometry.js";
import * as heatmap from "./client/heatmap.js";
import * as inspector from "./client/inspector.js";
import * as main from "./client/main.js";
import { escapeHtml, jsonForScript } from "./escape.js";
import { STYLE } from "./style.js";

export type Status = "pass" | "fail" | "error";

const STATUS_WORD = { pass: "PASS", fail: "FAIL", error: "ERROR" } as const;

export const badge = (status: Status, word: string = STATUS_WORD[status]) =>
  `<span class="badge ${status}">${escapeHtml(word)}</span>`;

/**
 * The page's script: every function of the client modules (and the
 * dependency expansion, so the browser runs the very code the tests check)
 * inlined into one scope, then started.
 */
export function clientScript(): string {
  const modules = [{ expandDependencies: dependencies.expandDependencies }];
  const all = [...modules, colours, dom, geometry, heatmap, inspector, main];
  const sources: string[] = [];
  for (const module of all) {
    for (const [name, value] of Object.entries(module)) {
      if (typeof value !== "function") continue;
      const source = String(value);
      if (!source.startsWith(`function ${name}(`)) {
        throw new Error(`client function ${name} must be a plain function declaration`);
      }
      sources.push(source);
    }
  }
  const script = `"use strict";\n(() => {\n${sources.join("\n\n")}\n\nstartReport();\n})();\n`;
  if (/<\/script|<!--/i.test(script)) throw new Error("client script would end its element");
  return script;
}

export interface Shell {
  /** Plain text for the window title. */
  title: string;
  /** The page's body, already escaped. */
  body: string;
  /** Data for the page's script; without it the page has no script at all. */
  data?: unknown;
}

/** A whole self-contained document: no request leaves it, only its own script may run. */
export function documentOf(shell: Shell): string {
  const script = shell.data === undefined ? null : clientScript();
  const scripts = script
    ? `'sha256-${createHash("sha256").update(script).digest("base64")}'`
    : "'none'";
  const policy = `default-src 'none'; style-src 'unsafe-inline'; script-src ${scripts}; img-src data:`;
  const tail = script
    ? `<script type="application/json" id="convcheck-data">${jsonForScript(shell.data)}</script>\n<script>${script}</script>\n`
    : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${policy}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(shell.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${shell.body}
</main>
${tail}</body>
</html>
`;
}

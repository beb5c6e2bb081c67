import { type Dirent, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import picomatch from "picomatch";

export interface FixtureEntry {
  file: string;
  /** Set when the path itself cannot be used. */
  problem?: string;
}

function walk(dir: string, out: FixtureEntry[]): void {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    // One folder that cannot be read is reported; the rest of the walk goes on.
    const code = (error as NodeJS.ErrnoException).code;
    out.push({
      file: dir,
      problem: `cannot read this folder (${code === "EACCES" ? "permission denied" : (code ?? String(error))})`,
    });
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules" && !entry.name.startsWith(".")) walk(path, out);
    } else if (entry.name.endsWith(".json")) {
      out.push({ file: path });
    }
  }
}

/**
 * Expand files and folders (searched recursively, every *.json a fixture, in
 * sorted order) into the list of fixtures to check. `--exclude` globs match
 * the path relative to the folder given, the path as printed, or the base name.
 */
export function collectFixtures(paths: string[], exclude: string[]): FixtureEntry[] {
  const matchers = exclude.map((glob) => picomatch(glob, { dot: true }));
  const excluded = (file: string, root: string) =>
    matchers.some(
      (m) => m(file) || m(relative(root, file)) || m(file.split(/[\\/]/).pop() ?? file),
    );
  const seen = new Set<string>();
  const entries: FixtureEntry[] = [];
  const add = (entry: FixtureEntry) => {
    if (seen.has(entry.file)) return;
    seen.add(entry.file);
    entries.push(entry);
  };
  for (const path of paths) {
    let isDir = false;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      add({ file: path, problem: "no such file or folder" });
      continue;
    }
    if (isDir) {
      const found: FixtureEntry[] = [];
      walk(path, found);
      for (const entry of found) if (!excluded(entry.file, path)) add(entry);
    } else if (!excluded(path, ".")) {
      add({ file: path });
    }
  }
  return entries;
}

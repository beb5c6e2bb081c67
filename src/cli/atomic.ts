import { randomBytes } from "node:crypto";
import { realpathSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/**
 * Replace a file's contents so that a reader (or an interrupted run) sees
 * either the old file whole or the new one whole: write a temporary file in
 * the same folder, which keeps it on the same file system, then rename it
 * over the original. An existing file keeps its permission bits.
 */
export function writeFileAtomic(path: string, text: string): void {
  // Through a symbolic link, replace the file it points at, not the link.
  let file = path;
  try {
    file = realpathSync(path);
  } catch {
    file = path;
  }
  const temp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
  let mode: number | undefined;
  try {
    mode = statSync(file).mode & 0o777;
  } catch {
    mode = undefined;
  }
  try {
    writeFileSync(temp, text, { encoding: "utf8", flag: "wx", mode });
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/** A one-line reason a write failed, for messages such as `cannot write x: …`. */
export function writeProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such folder";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "is a directory";
  return code ?? (error instanceof Error ? error.message : String(error));
}

import { InvalidArgumentError } from "commander";
import type { FixtureEntry } from "./files.js";

/** Shard `index` (1-based) of `count`. */
export interface Shard {
  index: number;
  count: number;
}

/** Commander parser for `--shard I/N`, where 1 <= I <= N. */
export function parseShard(value: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value);
  const index = match ? Number(match[1]) : Number.NaN;
  const count = match ? Number(match[2]) : Number.NaN;
  if (!match || !Number.isSafeInteger(count) || count < 1 || index < 1 || index > count) {
    throw new InvalidArgumentError(`expected I/N with 1 <= I <= N (such as 2/3), got "${value}"`);
  }
  return { index, count };
}

const byFile = (a: FixtureEntry, b: FixtureEntry) =>
  a.file < b.file ? -1 : a.file > b.file ? 1 : 0;

/**
 * This machine's part of the fixtures: the sorted list dealt out in turn,
 * fixture k (from 0) going to shard k mod N + 1. Every machine sorts the same
 * paths the same way, so the N shards together hold every fixture exactly
 * once, and dealing in turn keeps neighbouring (often similar) fixtures
 * apart. Paths that could not be read are kept in every shard: they are
 * mistakes on the command line, not fixtures.
 */
export function selectShard(entries: FixtureEntry[], shard: Shard | undefined): FixtureEntry[] {
  if (!shard) return entries;
  const problems = entries.filter((e) => e.problem);
  const fixtures = entries.filter((e) => !e.problem).sort(byFile);
  const mine = fixtures.filter((_, k) => k % shard.count === shard.index - 1);
  return [...problems, ...mine];
}

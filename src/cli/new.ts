import { linkSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { type Command, InvalidArgumentError, Option } from "commander";
import { InputError } from "../core/errors.js";
import type { PaddingSpec } from "../core/geometry.js";
import { fixtureText, generateFixture, type LayerSpec } from "../fixture/generate.js";
import { parseFixture } from "../fixture/load.js";
import { positiveInteger } from "./options.js";
import { write } from "./output.js";

export interface NewOptions {
  input: number[];
  filter: number[];
  bias?: boolean;
  stride: number | [number, number];
  padding: PaddingSpec;
  dilation: number | [number, number];
  groups: number;
  seed: number;
  integers?: boolean;
  name?: string;
  output?: string;
  force?: boolean;
}

/** Fixture fields that `new` takes as options of the same name. */
const OPTION_FIELDS = ["input", "filter", "stride", "padding", "dilation", "groups"];

function integers(value: string, separator: string | RegExp, what: string): number[] {
  const parts = value.trim().split(separator);
  if (!parts.every((p) => /^\d+$/.test(p.trim()))) {
    throw new InvalidArgumentError(`expected ${what}, got "${value}"`);
  }
  return parts.map((p) => Number(p));
}

/** `1x3x8x8`: sizes joined by x, each at least 1. */
function shapeParser(ranks: number[], layout: string) {
  return (value: string): number[] => {
    const what = `${layout} (sizes joined by "x", each at least 1)`;
    const shape = integers(value, /x/i, what);
    if (!ranks.includes(shape.length) || shape.some((n) => n < 1 || !Number.isSafeInteger(n))) {
      throw new InvalidArgumentError(`expected ${what}, got "${value}"`);
    }
    return shape;
  };
}

/** `2` or `2,1` (vertical, horizontal), each at least 1. */
function pairParser(value: string): number | [number, number] {
  const what = 'a positive integer or "vertical,horizontal" positive integers';
  const parts = integers(value, ",", what);
  if (parts.length > 2 || parts.some((n) => n < 1 || !Number.isSafeInteger(n))) {
    throw new InvalidArgumentError(`expected ${what}, got "${value}"`);
  }
  return parts.length === 1 ? parts[0] : [parts[0], parts[1]];
}

/** `same`, `valid`, `N`, `vertical,horizontal` or `top,bottom,left,right`. */
function paddingParser(value: string): PaddingSpec {
  const word = value.trim().toLowerCase();
  if (word === "same" || word === "valid") return word;
  const what = 'same, valid, N, "vertical,horizontal" or "top,bottom,left,right" (integers >= 0)';
  const parts = integers(value, ",", what);
  if (![1, 2, 4].includes(parts.length) || parts.some((n) => !Number.isSafeInteger(n))) {
    throw new InvalidArgumentError(`expected ${what}, got "${value}"`);
  }
  if (parts.length === 1) return parts[0];
  return parts.length === 2 ? [parts[0], parts[1]] : [parts[0], parts[1], parts[2], parts[3]];
}

function seedParser(value: string): number {
  const seed = Number(value);
  if (!/^\d+$/.test(value.trim()) || seed > 0xffffffff) {
    throw new InvalidArgumentError(`expected an integer from 0 to 4294967295, got "${value}"`);
  }
  return seed;
}

/**
 * Write through a temporary file in the same folder, so no reader sees half a
 * file. Without `replace`, the temporary file is hard-linked to the name,
 * which fails if the name exists even when another process just made it.
 */
function writeAtomically(file: string, text: string, replace: boolean): void {
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(temp, text, { flag: "wx" });
    if (replace) renameSync(temp, file);
    else linkSync(temp, file);
  } finally {
    rmSync(temp, { force: true });
  }
}

/** Make a fixture with seeded values; returns the exit code. */
export function newCommand(options: NewOptions): number {
  const spec: LayerSpec = {
    inputShape: options.input,
    filterShape: options.filter,
    bias: options.bias ?? false,
    stride: options.stride,
    dilation: options.dilation,
    padding: options.padding,
    groups: options.groups,
    seed: options.seed,
    integers: options.integers ?? false,
    name: options.name,
  };
  let text: string;
  try {
    text = fixtureText(generateFixture(spec));
    parseFixture(text);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    const field = error.path.split(/[.[]/)[0];
    const where = OPTION_FIELDS.includes(field) ? `--${field}: ` : "";
    process.stderr.write(`convcheck new: error: ${where}${error.message}\n`);
    return 2;
  }

  const file = options.output;
  if (file === undefined || file === "-") {
    write(process.stdout, text);
    return 0;
  }
  try {
    writeAtomically(file, text, options.force === true);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    const why =
      code === "EEXIST"
        ? "already exists; pass --force to overwrite it"
        : code === "ENOENT"
          ? "cannot be written (no such folder)"
          : `cannot be written (${code})`;
    process.stderr.write(`convcheck new: error: ${file} ${why}\n`);
    return 2;
  }
  return 0;
}

export function addNewCommand(program: Command): void {
  program
    .command("new")
    .description("write a fixture with seeded random values for a given layer")
    .requiredOption(
      "--input <shape>",
      "input shape: HxW, CxHxW or NxCxHxW",
      shapeParser([2, 3, 4], "HxW, CxHxW or NxCxHxW"),
    )
    .requiredOption(
      "--filter <shape>",
      "filter shape: KHxKW or CoutxCinxKHxKW (Cin per group)",
      shapeParser([2, 4], "KHxKW or CoutxCinxKHxKW"),
    )
    .option("--bias", "add one bias per output channel")
    .addOption(
      new Option("--stride <s>", "stride: N or vertical,horizontal")
        .argParser(pairParser)
        .default(1),
    )
    .addOption(
      new Option("--padding <p>", "padding: same, valid, N, v,h or top,bottom,left,right")
        .argParser(paddingParser)
        .default(0),
    )
    .addOption(
      new Option("--dilation <d>", "dilation: N or vertical,horizontal")
        .argParser(pairParser)
        .default(1),
    )
    .addOption(new Option("--groups <g>", "number of groups").argParser(positiveInteger).default(1))
    .addOption(new Option("--seed <n>", "seed of the values").argParser(seedParser).default(1))
    .option("--integers", "whole numbers from -3 to 3 other than 0, instead of normal values")
    .option("--name <name>", "the fixture's name")
    .option("-o, --output <file>", "write to this file (atomically) instead of stdout")
    .option("--force", "overwrite the output file if it exists")
    .action((options: NewOptions) => {
      process.exitCode = newCommand(options);
    });
}

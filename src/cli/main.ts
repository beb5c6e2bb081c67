import { readFileSync } from "node:fs";
import { Command, CommanderError, Option } from "commander";
import { ciOptions } from "./ci.js";
import { addDescendCommand } from "./descend.js";
import { addExplainCommand } from "./explain.js";
import { gradCommand } from "./grad.js";
import { implTimeoutOption } from "./impl-options.js";
import { addNewCommand } from "./new.js";
import {
  collect,
  integerUpTo,
  nonNegativeNumber,
  positiveInteger,
  positiveNumber,
  seedNumber,
} from "./options.js";
import { schemaCommand } from "./schema.js";
import { updateCommand } from "./update.js";

/** Each thread holds its own copy of a check's columns: more than this only exhausts memory. */
const MAX_WORKERS = 256;

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  version: string;
};

function buildProgram(): Command {
  const program = new Command();
  program
    .name("convcheck")
    .description(
      "Check hand-written 2-D convolution gradients: analytic against numerical, cell by cell",
    )
    .version(pkg.version)
    .exitOverride()
    .configureOutput({
      writeErr: (text) => process.stderr.write(text),
    });

  const grad = program
    .command("grad")
    .description("check the gradients of one or more fixtures (files or folders)")
    .argument("<paths...>", "fixture files, or folders searched recursively for *.json")
    .option("--json", "print the report as JSON for machines")
    .option("--full", "print every cell of large tensors")
    .option(
      "--heatmap",
      "draw a relative-error heatmap of every tensor (failing large ones get one anyway)",
    )
    .option("--html <file>", "also write a self-contained HTML report with heatmaps to FILE")
    .addOption(
      new Option("--rtol <x>", "relative tolerance of the pass rule").argParser(nonNegativeNumber),
    )
    .addOption(
      new Option("--atol <x>", "absolute tolerance of the pass rule").argParser(nonNegativeNumber),
    )
    .addOption(
      new Option("--eps <x>", "numerical step, relative to each tensor's scale").argParser(
        positiveNumber,
      ),
    )
    .option("--float32", "run the reference in float32, every operation rounded")
    .option("--eps-sweep", "rerun the numerical gradient over a range of steps and read the curve")
    .addOption(
      new Option(
        "--sample <n>",
        "check n cells per tensor, corners and cells next to padding among them",
      ).argParser(positiveInteger),
    )
    .option(
      "--fast",
      "directional checks first; cells are checked only in a tensor where one fails",
    )
    .addOption(
      new Option(
        "--seed <n>",
        "seed of --sample and --fast (the report prints the one used)",
      ).argParser(seedNumber),
    )
    .addOption(
      new Option(
        "--workers <n>",
        "worker threads for large checks (default: one per core)",
      ).argParser(integerUpTo(MAX_WORKERS, "threads")),
    )
    .option("--exclude <glob>", "leave out fixtures matching the glob (repeatable)", collect, [])
    .option("--impl <file>", "check your own forward/backward module (.js, .mjs, .cjs, .ts)")
    .addOption(implTimeoutOption())
    .option("--no-color", "never colour the output")
    .action(async (paths: string[], options) => {
      process.exitCode = await gradCommand(paths, options);
    });
  for (const option of ciOptions()) grad.addOption(option);

  program
    .command("update")
    .description("fill in or refresh the expected block of fixtures from the reference computation")
    .argument("<paths...>", "fixture files, or folders searched recursively for *.json")
    .option("--check", "only report stale or missing expected values (exit 1), writing nothing")
    .action(async (paths: string[], options) => {
      process.exitCode = await updateCommand(paths, options);
    });

  program
    .command("schema")
    .description("print the fixture format as JSON Schema")
    .action(() => {
      process.exitCode = schemaCommand();
    });

  addNewCommand(program);

  addDescendCommand(program);
  addExplainCommand(program);

  return program;
}

async function main(argv: string[]): Promise<void> {
  // A reader that stops early (`convcheck grad … | head`) closes the pipe;
  // that ends the output, and is no reason for a stack trace.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
  });
  const program = buildProgram();
  program.commands.forEach((cmd) => {
    cmd.exitOverride();
  });
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander exits 0 for asked-for help and the version; every other
      // complaint, including help shown because no command was given, is misuse.
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`convcheck: internal error: ${message}\n`);
    process.exitCode = 2;
  }
}

await main(process.argv);

import { fixtureJsonSchema } from "../fixture/schema.js";
import { formatJson } from "./update.js";

/**
 * The fixture format as JSON Schema, from the same zod definition the loader
 * validates with. The package ships this text as schema/fixture.schema.json
 * (a test keeps the two equal), so fixtures can name it in `$schema`.
 */
export function schemaText(): string {
  return formatJson(fixtureJsonSchema());
}

export function schemaCommand(): number {
  process.stdout.write(schemaText());
  return 0;
}

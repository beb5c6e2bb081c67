/**
 * A problem with what the user supplied, located by a JSON path such as
 * `filter[1][0]` (empty for the whole document). The CLI adds the file name.
 */
export class InputError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = "InputError";
  }
}

/**
 * Escaping for the HTML report. Fixture names, descriptions, file names and
 * error messages come from whoever wrote the fixture, and CI systems publish
 * the page, so none of it may become markup or script.
 */

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Text safe as element content and inside a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ENTITIES[ch]);
}

/**
 * JSON safe inside `<script type="application/json">`: `<`, `>` and `&` are
 * written as \u escapes, which JSON.parse reads back unchanged, so no
 * string can close the element (`</script>`) or open a comment (`<!--`).
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

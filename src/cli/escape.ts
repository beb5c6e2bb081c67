/**
 * Escaping for the machine formats convcheck writes. Fixture names, file
 * names and error messages quoting a fixture come from whoever wrote the
 * fixture, so none of them may end an XML attribute or start a workflow
 * command of their own.
 */

const XML_ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
  // Attribute values lose raw line breaks and tabs to whitespace
  // normalisation; character references keep them.
  "\t": "&#9;",
  "\n": "&#10;",
  "\r": "&#13;",
};

/** Code points XML 1.0 allows: tab, line feed, carriage return and most of the rest. */
function allowedInXml(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

/** `\u001b`: a character XML cannot carry at all, spelt out so a reader still sees it. */
function spelt(code: number): string {
  return `\\u${code.toString(16).padStart(4, "0")}`;
}

/**
 * Text safe inside an XML attribute value or element content. Characters
 * XML 1.0 forbids even as references (most C0 controls, lone surrogates,
 * U+FFFE, U+FFFF) are written as `\uXXXX`.
 */
export function escapeXml(text: string): string {
  let out = "";
  // for…of walks code points, so a surrogate pair stays one character and a
  // lone surrogate shows up on its own.
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    if (!allowedInXml(code)) out += spelt(code);
    else out += XML_ENTITIES[ch] ?? ch;
  }
  return out;
}

/**
 * The message part of a GitHub Actions workflow command: the runner decodes
 * %25, %0D and %0A, so a line break in a fixture name cannot begin a new
 * command.
 */
export function escapeCommandData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** A property value (file=, title=): additionally `:` and `,`, which end a property. */
export function escapeCommandProperty(text: string): string {
  return escapeCommandData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

// Bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E/F, U+061C) reorder what is displayed around them:
// a path or rule name from a report could show as something it is not ("Trojan Source"). C0/C1 controls other
// than tab and newline have no business in display text either.
const CONTROLS = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

/** Scanner-supplied text made safe to display: each control character becomes a visible `<U+XXXX>`. */
export function neutraliseControls(text: string): string {
  CONTROLS.lastIndex = 0;
  if (!CONTROLS.test(text)) return text;
  return text.replace(CONTROLS, (c) => `<U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}>`);
}

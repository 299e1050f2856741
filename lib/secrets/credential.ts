/**
 * Reduces what a scanner says it matched to the credential itself: the bytes every scanner's fingerprint is
 * computed from (trufflehog `Raw`, gitleaks `Secret`, ggshield `ignore_sha`, detect-secrets `hashed_secret`).
 * Scanners differ in how much of the line they report: gitleaks v7 `offender` and SARIF snippets are often the
 * whole assignment (`GITHUB_TOKEN="ghp_…"`, `//registry.npmjs.org/:_authToken=npm_…`), secretlint's AWS rule
 * the `AWS_SECRET_ACCESS_KEY=…` pair. Idempotent: a bare token comes back unchanged.
 */
export function credentialOf(match: string): string {
  let v = match.replace(/\r\n?/g, "\n").trim();
  // A PEM block is the credential as a whole, header and footer included.
  if (/-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----/.test(v)) return v;
  for (let i = 0; i < 3; i++) {
    const next = stripOnce(v);
    if (next === v) break;
    v = next;
  }
  return v;
}

// `name = value`, `name: value`, `name := value`, `name => value`, with an optional `export`/`ENV`/`ARG`: the
// name has no spaces or quotes inside; `=` wins over `:` (npm's `//host/:_authToken=`), and a `:` followed by
// `//` is a URL, not an assignment.
const ASSIGNMENT_EQ = /^(?:export\s+|ENV\s+|ARG\s+|set\s+)?["']?([^\s="'`]*[A-Za-z][^\s="'`]*)["']?\s*(?::=|=>|=)\s*([\s\S]+)$/;
const ASSIGNMENT_COLON = /^["']?([A-Za-z_@.\-][\w.\-@]*)["']?\s*:(?!\/\/)\s*([\s\S]+)$/;
const AUTH_SCHEME = /^(?:Bearer|Basic|Token|token|Bot)\s+(\S[\s\S]*)$/;
const QUOTED = /^(["'`])([\s\S]*)\1$/;

function stripOnce(v: string): string {
  const t = v.replace(/[;,]+$/, "").trim();
  const q = QUOTED.exec(t);
  if (q && q[2]!.length >= 4 && !q[2]!.includes(q[1]!)) return q[2]!.trim();
  const scheme = AUTH_SCHEME.exec(t);
  if (scheme && scheme[1]!.length >= 8) return scheme[1]!;
  // An assignment only when the value is a credential-sized, single-line string: "abc==" (a base64 value) is
  // not `abc` assigned "=".
  const a = ASSIGNMENT_EQ.exec(t) ?? ASSIGNMENT_COLON.exec(t);
  if (a && !a[2]!.includes("\n")) {
    const value = a[2]!.trim();
    if (value.replace(/^["'`]|["'`;,]+$/g, "").length >= 6) return value;
  }
  return t;
}

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

// What a value token is made of: a rule whose range stops inside one cut the value short.
const TOKEN_CHAR = /[A-Za-z0-9/+=_.~-]/;

/**
 * The text a rule matched in `content`. A rule that matches `NAME=value` may report a range as long as the value
 * but starting at the name (secretlint's AWS secret access key rule does, in its own JSON reports and in Residue's
 * scanner): the value is then cut short. An assignment whose range ends inside a token is taken to the token's end.
 */
export function matchedText(content: string, start: number, end: number): string {
  let e = end;
  if (/[=:]/.test(content.slice(start, end))) while (e < content.length && TOKEN_CHAR.test(content[e]!)) e++;
  return content.slice(start, e);
}

// `name = value`, `name: value`, `name := value`, `name => value`, with an optional `export`/`ENV`/`ARG`: the
// name has no spaces or quotes inside; `=` wins over `:` (npm's `//host/:_authToken=`), and a `:` followed by
// `//` is a URL, not an assignment.
const ASSIGNMENT_EQ =
  /^(?:export\s+|ENV\s+|ARG\s+|set\s+)?["']?([^\s="'`]*[A-Za-z][^\s="'`]*)["']?\s*(?::=|=>|=)\s*([\s\S]+)$/;
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

// Token formats whose prefix alone says "credential".
const KNOWN_PREFIX =
  /(?:ghp_|gho_|ghs_|ghu_|github_pat_|glpat-|npm_|xox[abposr]-|sk_live_|rk_live_|AKIA|ASIA|AIza|-----BEGIN [A-Z ]*PRIVATE KEY)/;

/**
 * Whether a code snippet holds something that could be a credential: a known token format, or a literal of at
 * least 8 characters with at least two character classes and the spread of a random string (Shannon entropy
 * ≥ 3 bits per character). `type = "text"` or `password: ""` do not; `"Xk9mP2vL8qR4wT"` does.
 */
export function looksLikeCredential(snippet: string): boolean {
  if (KNOWN_PREFIX.test(snippet)) return true;
  for (const m of snippet.matchAll(/["'`]([^"'`\s]{8,})["'`]|[=:]\s*([^\s"'`;,]{12,})/g)) {
    const v = m[1] ?? m[2]!;
    const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(v)).length;
    if (classes >= 2 && entropy(v) >= 3) return true;
  }
  return false;
}

function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) h -= (n / s.length) * Math.log2(n / s.length);
  return h;
}

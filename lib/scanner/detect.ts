import { lintSource } from "@secretlint/core";
import { secretLintProfiler } from "@secretlint/profiler";
import { creator as recommended } from "@secretlint/secretlint-rule-preset-recommend";
import { credentialOf, matchedText } from "../secrets/credential";

// secretlint profiles every rule on every file unless told not to (performance marks, an observer callback and a
// measure each): a scan of thousands of files filled Node's performance timeline and warned about it.
secretLintProfiler.setEnabled(false);

export type Detection = { ruleId: string; title: string; line: number; value: string };

// AWS key ids are not secret alone, so secretlint leaves them out by default; Residue reports them so that an id and
// its secret are linked as one key pair (lib/secrets/link-findings.ts), as trufflehog and gitleaks report the id.
const CONFIG = {
  rules: [
    {
      id: "@secretlint/secretlint-rule-preset-recommend",
      rule: recommended,
      rules: [{ id: "@secretlint/secretlint-rule-aws", options: { enableIDScanRule: true } }],
    },
  ],
};
// Reported with the ids, but an account number is neither a credential nor part of one.
const NOT_CREDENTIALS = new Set(["AWSAccountID"]);

/** At most this many secrets are reported per file; a file holding more is reported as truncated. */
export const MAX_MATCHES_PER_FILE = 100;
// Large texts are linted in windows: the rule engine's cost grows faster than linearly with the matches in one
// text (twice the tokens took three times as long), a window's cost is bounded, so a file costs time in
// proportion to its size. Windows overlap by more than the longest credential (a 4096-bit PEM key is ~3.3 KB).
const WINDOW = 64 * 1024;
const OVERLAP = 8 * 1024;

type Match = { ruleId: string; messageId: string; start: number; end: number; line: number };

/**
 * Secrets in a text with secretlint's recommended rules (a maintained rule engine, not our own regexes). Each
 * detection's value is the credential itself (lib/secrets/credential.ts), not the line or assignment it sits in.
 */
export async function detectInText(
  content: string,
  filePath: string,
): Promise<{ found: Detection[]; truncated: boolean }> {
  const matches: Match[] = [];
  let truncated = false;
  for (let start = 0, line = 1; start < content.length;) {
    let end = Math.min(content.length, start + WINDOW);
    if (end < content.length) end = nextLineStart(content, end);
    const r = await lintSource({
      source: { content: content.slice(start, end), filePath, contentType: "text" },
      options: { config: CONFIG, maskSecrets: false, noPhysicFilePath: true },
    });
    for (const m of r.messages) {
      if (NOT_CREDENTIALS.has(m.messageId)) continue;
      const from = start + m.range[0];
      matches.push({
        ruleId: m.ruleId,
        messageId: m.messageId,
        start: from,
        end: from + matchedText(content, from, start + m.range[1]).length,
        line: line + m.loc.start.line - 1,
      });
    }
    if (end >= content.length) break;
    const next = Math.max(start + 1, nextLineStart(content, end - OVERLAP));
    line += countLines(content, start, next);
    start = next;
    if (narrowest(content, matches).length >= MAX_MATCHES_PER_FILE) {
      truncated = true;
      break;
    }
  }
  const kept = narrowest(content, matches);
  if (kept.length > MAX_MATCHES_PER_FILE) truncated = true;
  return {
    truncated,
    found: kept.slice(0, MAX_MATCHES_PER_FILE).map((m) => ({
      ruleId: m.ruleId.replace(/^@secretlint\/secretlint-rule-/, "secretlint/"),
      title: m.messageId,
      line: m.line,
      value: credentialOf(content.slice(m.start, m.end)),
    })),
  };
}

/**
 * Two rules may report one secret (npm: the token, and `_authToken=<token>`), and overlapping windows report a
 * match twice: of overlapping matches keep the narrowest (on a tie, the one without "=" or ":", the bare token).
 * Kept matches are disjoint and held in start order, so each test is a binary search: O(n log n).
 */
function narrowest(content: string, matches: Match[]): Match[] {
  const width = (m: Match) => m.end - m.start + (/[=:]/.test(content.slice(m.start, m.end)) ? 0.5 : 0);
  const kept: Match[] = [];
  for (const m of [...matches].sort((a, b) => width(a) - width(b) || a.start - b.start)) {
    let lo = 0;
    let hi = kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (kept[mid]!.start < m.start) lo = mid + 1;
      else hi = mid;
    }
    const before = kept[lo - 1];
    const after = kept[lo];
    if ((before && before.end > m.start) || (after && after.start < m.end)) continue;
    kept.splice(lo, 0, m);
  }
  return kept;
}

function nextLineStart(text: string, from: number): number {
  const nl = text.indexOf("\n", from);
  return nl === -1 ? text.length : nl + 1;
}

function countLines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf("\n", from); i !== -1 && i < to; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

// Build arguments and environment variables whose names say they hold a credential. `docker history` shows
// ARG values as `RUN |2 NAME=value …`; the value need not match any token format to be a leak.
// Label names use dots and dashes ("com.example.deploy-token") where variables use underscores.
const SENSITIVE_NAME =
  /(?:^|[_.-])(?:TOKEN|SECRET|PASSWORD|PASSWD|PASS|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?|AUTH)(?:[_.-]|$)/i;
const PLACEHOLDER = /^(?:\$\{?\w+\}?|<[^>]*>|x+|\*+|changeme|null|none|true|false|)$/i;

function assignments(text: string): { name: string; value: string }[] {
  const out: { name: string; value: string }[] = [];
  for (const m of text.matchAll(/(?:^|\s)([A-Za-z_][A-Za-z0-9_.-]*)=("[^"]*"|'[^']*'|\S+)/g))
    out.push({ name: m[1]!, value: m[2]!.replace(/^["']|["']$/g, "") });
  return out;
}

/** A history created_by or an Env entry: token formats via secretlint, plus sensitive build-arg / env names. */
export async function detectInConfigText(text: string, where: string): Promise<Detection[]> {
  const { found } = await detectInText(text, where);
  for (const a of assignments(text)) {
    if (!SENSITIVE_NAME.test(a.name) || PLACEHOLDER.test(a.value) || a.value.length < 6) continue;
    if (found.some((f) => f.value.includes(a.value) || a.value.includes(f.value))) continue;
    found.push({
      ruleId: "residue/sensitive-build-value",
      title: `${a.name} holds a credential-like value`,
      line: 1,
      value: a.value,
    });
  }
  return found;
}

/** Cheap binary test: a NUL byte in the first 8 KiB. */
export const looksBinary = (buf: Buffer) => buf.subarray(0, 8192).includes(0);

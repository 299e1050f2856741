import { lintSource } from "@secretlint/core";
import { secretLintProfiler } from "@secretlint/profiler";
import { creator as recommended } from "@secretlint/secretlint-rule-preset-recommend";

// secretlint profiles every rule on every file unless told not to (performance marks, an observer callback and a
// measure each): a scan of thousands of files filled Node's performance timeline and warned about it.
secretLintProfiler.setEnabled(false);

export type Detection = { ruleId: string; title: string; line: number; value: string };

const CONFIG = { rules: [{ id: "@secretlint/secretlint-rule-preset-recommend", rule: recommended }] };

/** Secrets in a text with secretlint's recommended rules (a maintained rule engine, not our own regexes). */
export async function detectInText(content: string, filePath: string): Promise<Detection[]> {
  const r = await lintSource({ source: { content, filePath, contentType: "text" }, options: { config: CONFIG, maskSecrets: false, noPhysicFilePath: true } });
  // Two rules may report one secret (npm: the token, and `_authToken=<token>`): keep the narrowest match.
  const kept: (typeof r.messages)[number][] = [];
  // (On a tie, a match without "=" or ":" is the bare token rather than its assignment.)
  const width = (m: (typeof r.messages)[number]) => m.range[1] - m.range[0] + (/[=:]/.test(content.slice(m.range[0], m.range[1])) ? 0.5 : 0);
  for (const m of [...r.messages].sort((a, b) => width(a) - width(b))) {
    if (!kept.some((k) => m.range[0] < k.range[1] && k.range[0] < m.range[1])) kept.push(m);
  }
  return kept
    .sort((a, b) => a.range[0] - b.range[0])
    .map((m) => ({
      ruleId: m.ruleId.replace(/^@secretlint\/secretlint-rule-/, "secretlint/"),
      title: m.messageId,
      line: m.loc.start.line,
      value: content.slice(m.range[0], m.range[1]),
    }));
}

// Build arguments and environment variables whose names say they hold a credential. `docker history` shows
// ARG values as `RUN |2 NAME=value …`; the value need not match any token format to be a leak.
const SENSITIVE_NAME = /(?:^|_)(?:TOKEN|SECRET|PASSWORD|PASSWD|PASS|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?|AUTH)(?:_|$)/i;
const PLACEHOLDER = /^(?:\$\{?\w+\}?|<[^>]*>|x+|\*+|changeme|null|none|true|false|)$/i;

function assignments(text: string): { name: string; value: string }[] {
  const out: { name: string; value: string }[] = [];
  for (const m of text.matchAll(/(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|\S+)/g)) out.push({ name: m[1]!, value: m[2]!.replace(/^["']|["']$/g, "") });
  return out;
}

/** A history created_by or an Env entry: token formats via secretlint, plus sensitive build-arg / env names. */
export async function detectInConfigText(text: string, where: string): Promise<Detection[]> {
  const found = await detectInText(text, where);
  for (const a of assignments(text)) {
    if (!SENSITIVE_NAME.test(a.name) || PLACEHOLDER.test(a.value) || a.value.length < 6) continue;
    if (found.some((f) => f.value.includes(a.value) || a.value.includes(f.value))) continue;
    found.push({ ruleId: "residue/sensitive-build-value", title: `${a.name} holds a credential-like value`, line: 1, value: a.value });
  }
  return found;
}

/** Cheap binary test: a NUL byte in the first 8 KiB. */
export const looksBinary = (buf: Buffer) => buf.subarray(0, 8192).includes(0);

import { z } from "zod";
import type { NormalizedFinding, UpstreamResolution } from "../../findings/finding";
import { firstRecord, isObject, jsonValue, parseShape, positiveInt, usableRaw, perDocument, dateOf } from "./parser";

// GitHub secret scanning alerts, as the REST API lists them (GET /repos/{owner}/{repo}/secret-scanning/alerts, the
// organisation and enterprise lists) or returns one (GET …/alerts/{number}), optionally with the alert's
// `locations` (GET …/alerts/{number}/locations) set on it. `secret` is the value unless the list was asked with
// hide_secret=true. A resolved alert is evidence: revoked means the credential no longer works; the other
// resolutions are a triage decision made on GitHub (applied by lib/triage/apply-upstream.ts).
const user = z.looseObject({ login: z.string().max(256) }).nullish();
const commitDetails = z.looseObject({
  path: z.string().max(4096).optional(),
  start_line: z.number().nullish(),
  commit_sha: z.string().optional(),
});
const location = z.looseObject({ type: z.string().optional(), details: z.record(z.string(), z.unknown()).optional() });
const alert = z.looseObject({
  number: z.number().int(),
  html_url: z.string().max(2048).optional(),
  state: z.enum(["open", "resolved"]),
  resolution: z.string().nullish(),
  resolved_at: z.string().nullish(),
  resolved_by: user,
  resolution_comment: z.string().nullish(),
  secret_type: z.string().max(256),
  secret_type_display_name: z.string().max(256).nullish(),
  secret: z.string().nullish(),
  validity: z.string().nullish(),
  push_protection_bypassed: z.boolean().nullish(),
  repository: z.looseObject({ full_name: z.string().max(512), html_url: z.string().max(2048).optional() }).nullish(),
  first_location_detected: z.record(z.string(), z.unknown()).nullish(),
  locations: z.array(location).optional(),
});

const RESOLUTIONS = new Set<UpstreamResolution["resolution"]>([
  "revoked",
  "false_positive",
  "used_in_tests",
  "wont_fix",
  "pattern_edited",
  "pattern_deleted",
]);
const ALERT_PAGE = /^https:\/\/([^/]+)\/([^/]+\/[^/]+)\/security\/secret-scanning\/\d+/;
const isAlert = (r: unknown) => isObject(r) && "secret_type" in r && "number" in r && "state" in r;

export const githubSecretScanningParser = perDocument({
  id: "github-secret-scanning",
  label: "GitHub secret scanning alerts (REST API JSON)",
  sniff: (doc) => doc.kind === "json" && isAlert(firstRecord(doc)),
  parse(doc) {
    const value = jsonValue(doc, "GitHub secret scanning");
    const alerts = parseShape(z.array(alert), Array.isArray(value) ? value : [value], "GitHub secret scanning");
    const findings: NormalizedFinding[] = [];
    for (const a of alerts) {
      const page = a.html_url ? ALERT_PAGE.exec(a.html_url) : null;
      const origin = a.repository
        ? (a.repository.html_url ?? `https://${page?.[1] ?? "github.com"}/${a.repository.full_name}`)
        : page
          ? `https://${page[1]}/${page[2]}`
          : undefined;
      const resolution = a.state === "resolved" && a.resolution ? a.resolution : undefined;
      const upstream: UpstreamResolution | undefined =
        resolution && RESOLUTIONS.has(resolution as UpstreamResolution["resolution"])
          ? {
              service: "GitHub secret scanning",
              resolution: resolution as UpstreamResolution["resolution"],
              by: a.resolved_by?.login,
              at: dateOf(a.resolved_at),
              comment: a.resolution_comment?.slice(0, 500) || undefined,
              url: a.html_url,
            }
          : undefined;
      const verified =
        a.validity === "active" ? true : a.validity === "inactive" || resolution === "revoked" ? false : undefined;
      const base = {
        ruleId: a.secret_type,
        detector: a.secret_type_display_name || a.secret_type,
        severity: verified || a.push_protection_bypassed ? ("critical" as const) : ("high" as const),
        source: "file" as const,
        raw: usableRaw(a.secret),
        verified,
        origin,
        upstream,
      };
      // One finding per place the secret was seen: every location when the report carries them, else the first.
      const places = a.locations?.length
        ? a.locations.map((l) => placeOf(l.type ?? "commit", l.details ?? {}))
        : [placeOf("commit", a.first_location_detected ?? {})];
      for (const p of places) findings.push({ ...base, ...p });
    }
    return { scanner: "github-secret-scanning", format: "github-secret-scanning-alerts", findings, skipped: 0 };
  },
});

/** A commit location names a file and line; an issue, pull request, discussion or wiki location is named by its URL. */
function placeOf(type: string, details: Record<string, unknown>): Pick<NormalizedFinding, "path" | "line"> {
  const commit = commitDetails.safeParse(details);
  if (commit.success && commit.data.path) return { path: commit.data.path, line: positiveInt(commit.data.start_line) };
  const url = Object.entries(details).find(([k, v]) => k.endsWith("_url") && typeof v === "string")?.[1] as
    string | undefined;
  return { path: url ? `${type}: ${url}`.slice(0, 4096) : "(unknown)" };
}

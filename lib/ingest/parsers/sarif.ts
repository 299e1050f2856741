import { z } from "zod";
import { ResidueError } from "../../errors";
import { tryParseImageRef } from "../../images/parse-image-ref";
import type { ImageInfo, LayerRef, NormalizedFinding, ParseResult } from "../../findings/finding";
import type { ReportDocument } from "../read/read-document";
import { looksLikeCredential } from "../../secrets/credential";
import {
  interner,
  isObject,
  jsonValue,
  parseShape,
  positiveInt,
  severityFromScore,
  severityFromWord,
  usableRaw,
  type ReportParser,
} from "./parser";

// SARIF 2.1.0 from any tool. Only secret results are kept; the rest are counted as skipped.
// Image identity: trivy's run.properties {imageName, repoTags, repoDigests, imageID}; layer evidence: the
// `residue/*` result properties written by `residue scan` (lib/scanner), the only producer that knows layers.
const rule = z.looseObject({
  id: z.string().max(256),
  name: z.string().optional(),
  shortDescription: z.looseObject({ text: z.string() }).optional(),
  defaultConfiguration: z.looseObject({ level: z.string().optional() }).optional(),
  properties: z
    .looseObject({
      "security-severity": z.union([z.string(), z.number()]).optional(),
      tags: z.array(z.string()).optional(),
    })
    .optional(),
});
const residueLayer = z.looseObject({
  index: z.number().int().optional(),
  diffId: z.string().optional(),
  digest: z.string().optional(),
  createdBy: z.string().optional(),
});
const result = z.looseObject({
  ruleId: z.string().max(256).optional(),
  ruleIndex: z.number().int().optional(),
  level: z.string().optional(),
  message: z.looseObject({ text: z.string().optional() }).optional(),
  locations: z
    .array(
      z.looseObject({
        physicalLocation: z
          .looseObject({
            artifactLocation: z.looseObject({ uri: z.string().max(4096).optional() }).optional(),
            region: z
              .looseObject({
                startLine: z.number().optional(),
                snippet: z.looseObject({ text: z.string().optional() }).optional(),
              })
              .optional(),
          })
          .optional(),
      }),
    )
    .optional(),
  suppressions: z.array(z.looseObject({ kind: z.string().optional(), status: z.string().optional() })).nullish(),
  properties: z
    .looseObject({
      offender: z.string().optional(),
      "residue/source": z.enum(["file", "history", "env", "config"]).optional(),
      "residue/layer": residueLayer.optional(),
      "residue/deletedIn": residueLayer.optional(),
      "residue/valueSha256": z
        .string()
        .regex(/^[0-9a-f]{64}$/)
        .optional(),
      "residue/valueSha1": z
        .string()
        .regex(/^[0-9a-f]{40}$/)
        .optional(),
      "residue/raw": z.string().optional(),
      "residue/preview": z.string().max(200).optional(),
      "residue/valueLength": z.number().int().positive().max(65_536).optional(),
      "residue/verified": z.boolean().optional(),
    })
    .optional(),
});
const run = z.looseObject({
  tool: z.looseObject({
    driver: z.looseObject({
      name: z.string().max(256),
      version: z.string().optional(),
      semanticVersion: z.string().optional(),
      rules: z.array(rule).optional(),
    }),
  }),
  results: z.array(result).nullish(),
  properties: z
    .looseObject({
      imageName: z.string().optional(),
      repoTags: z.array(z.string()).nullish(),
      repoDigests: z.array(z.string()).nullish(),
      imageID: z.string().optional(),
      "residue/image": z
        .looseObject({
          platform: z.string().optional(),
          history: z.array(z.looseObject({ createdBy: z.string().optional(), emptyLayer: z.boolean() })).optional(),
          layers: z.array(residueLayer).optional(),
        })
        .optional(),
    })
    .optional(),
});
const log = z.looseObject({ version: z.string(), runs: z.array(run) });

type Rule = z.infer<typeof rule>;
type Result = z.infer<typeof result>;

// Tools whose every result is a secret finding.
const SECRET_TOOLS =
  /gitleaks|trufflehog|ggshield|gitguardian|secretlint|detect-secrets|nosey ?parker|kingfisher|betterleaks|whispers|talisman|residue/i;
const NOT_SECRET_TAGS = /^(vulnerability|misconfiguration|license)$/i;
const SECRET_TAGS = /^(secrets?|credentials?|external\/cwe\/cwe-(798|259|321)|cwe-(798|259|321)(:.*)?)$/i;
const SECRET_WORDS = /secret|credential|password|passwd|api[-_ ]?key|access[-_ ]?key|private[-_ ]?key|token/i;

export const sarifParser: ReportParser = {
  id: "sarif",
  label: "SARIF 2.1.0",
  sniff: (doc) =>
    doc.kind === "json" &&
    isObject(doc.value) &&
    Array.isArray(doc.value.runs) &&
    ("version" in doc.value || "$schema" in doc.value),
  /**
   * The first part is the log: whole, or (read in parts, lib/ingest/read/) its skeleton with empty results. Later
   * parts are more results of its runs, each validated on its own and dropped once it is a finding.
   */
  begin() {
    let acc: ReturnType<typeof sarifAccumulator> | undefined;
    let n = 0;
    return {
      add(part) {
        if (!acc) {
          const sarif = parseLog(jsonValue(part as ReportDocument, "SARIF"));
          acc = sarifAccumulator(sarif.runs);
          sarif.runs.forEach((r, i) => (r.results ?? []).forEach((res) => acc!.add(i, res)));
          return;
        }
        if (part.kind !== "sarif-results")
          throw new ResidueError("unprocessable_entity", "A SARIF report is one JSON document.");
        for (const r of part.results)
          acc.add(r.run, parseShape(result, parseJsonText(r.json), `SARIF 2.1.0 (result ${++n})`));
      },
      finish() {
        if (!acc)
          throw new ResidueError("unprocessable_entity", "A SARIF report is one JSON document, not JSON lines.");
        return acc.result();
      },
    };
  },
};

function parseLog(value: unknown) {
  const sarif = parseShape(log, value, "SARIF 2.1.0");
  if (sarif.version !== "2.1.0")
    throw new ResidueError(
      "unsupported_report",
      `SARIF version ${sarif.version.slice(0, 20)} is not supported: Residue reads SARIF 2.1.0.`,
    );
  return sarif;
}

/**
 * Turns results into findings, one at a time, against their run's tool and rules: shared by the whole-document
 * parse and the one in parts (lib/ingest/read/sarif-stream.ts), which never holds every result at once.
 */
function sarifAccumulator(runs: z.infer<typeof run>[]) {
  const contexts = runs.map((r) => ({
    driver: r.tool.driver,
    secretTool: SECRET_TOOLS.test(r.tool.driver.name),
    rules: new Map((r.tool.driver.rules ?? []).map((x) => [x.id, x])),
  }));
  const findings: NormalizedFinding[] = [];
  const layer = interner<LayerRef>();
  const layerOf = (l: z.infer<typeof residueLayer> | undefined) => {
    const ref = layerRef(l);
    return ref && layer(`${ref.diffId}\0${ref.digest}\0${ref.createdBy}\0${ref.index}`, () => ref);
  };
  let skipped = 0;
  return {
    add(runIndex: number, res: Result) {
      const ctx = contexts[runIndex];
      if (!ctx)
        throw new ResidueError(
          "unprocessable_entity",
          `Not a valid SARIF 2.1.0 report: a result outside runs[${runIndex}].`,
        );
      const ruleDef =
        (res.ruleId ? ctx.rules.get(res.ruleId) : undefined) ??
        (res.ruleIndex !== undefined ? ctx.driver.rules?.[res.ruleIndex] : undefined);
      const ruleId = res.ruleId ?? ruleDef?.id ?? gitleaksRuleFromMessage(res) ?? "unknown";
      if (isSuppressed(res) || !isSecret(ctx.secretTool, ruleId, ruleDef, res)) skipped++;
      else findings.push(toFinding(ctx.driver.name, ruleId, ruleDef, res, layerOf));
    },
    result(): ParseResult {
      const first = runs[0]?.tool.driver;
      return {
        scanner: "sarif",
        format: "sarif-2.1.0",
        toolName: first?.name,
        scannerVersion: first?.semanticVersion ?? first?.version,
        image: runs.map((r) => runImage(r.properties)).find(Boolean),
        findings,
        skipped,
      };
    },
  };
}

function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ResidueError("bad_request", `Invalid JSON: ${(e as Error).message.slice(0, 200)}`);
  }
}

function toFinding(
  tool: string,
  ruleId: string,
  ruleDef: Rule | undefined,
  res: Result,
  layerOf: typeof layerRef,
): NormalizedFinding {
  const loc = res.locations?.[0]?.physicalLocation;
  const props = res.properties ?? {};
  const source = props["residue/source"] ?? (loc?.artifactLocation?.uri ? "file" : "config");
  // gitleaks v7 puts the secret in properties.offender, v8 in region.snippet.text (report/sarif.go @b58d3f1).
  const raw =
    props["residue/raw"] ?? props.offender ?? (/gitleaks/i.test(tool) ? loc?.region?.snippet?.text : undefined);
  return {
    ruleId,
    detector: ruleDef?.name && ruleDef.name !== ruleId ? ruleDef.name : ruleId,
    title: ruleDef?.shortDescription?.text?.slice(0, 512),
    severity: severity(ruleDef, res),
    path: loc?.artifactLocation?.uri ? uriToPath(loc.artifactLocation.uri) : "(image config)",
    line: positiveInt(loc?.region?.startLine),
    source,
    raw: usableRaw(raw),
    valueHashes: [
      ...(props["residue/valueSha256"] ? [{ algorithm: "sha256" as const, hex: props["residue/valueSha256"] }] : []),
      ...(props["residue/valueSha1"] ? [{ algorithm: "sha1" as const, hex: props["residue/valueSha1"] }] : []),
    ],
    masked: props["residue/preview"],
    valueLength: props["residue/valueLength"],
    verified: props["residue/verified"],
    layer: layerOf(props["residue/layer"]),
    deletedIn: layerOf(props["residue/deletedIn"]),
  };
}

function layerRef(l: z.infer<typeof residueLayer> | undefined): LayerRef | undefined {
  return l && (l.diffId || l.digest)
    ? { diffId: l.diffId, digest: l.digest, createdBy: l.createdBy, index: l.index }
    : undefined;
}

/**
 * A result is a leaked secret when the tool is a secret scanner, or the rule says so (a "secret(s)" or
 * "credential(s)" tag, or CWE-798/259/321: hard-coded credentials and keys). A code-analysis rule that only
 * mentions passwords or tokens in its name (njsscan's `node_password` on `passwdInput.type = "text"`) counts only
 * when its snippet holds something that could be a credential; without a snippet there is nothing to tell by, and
 * it is kept.
 */
function isSecret(secretTool: boolean, ruleId: string, ruleDef: Rule | undefined, res: Result): boolean {
  const tags = ruleDef?.properties?.tags ?? [];
  if (tags.some((t) => NOT_SECRET_TAGS.test(t))) return false;
  if (secretTool || tags.some((t) => SECRET_TAGS.test(t))) return true;
  if (!SECRET_WORDS.test(`${ruleId} ${ruleDef?.name ?? ""} ${ruleDef?.shortDescription?.text ?? ""}`)) return false;
  const snippet = res.locations?.[0]?.physicalLocation?.region?.snippet?.text;
  return snippet === undefined || looksLikeCredential(snippet);
}

// A suppression counts unless it was rejected (SARIF 2.1.0 §3.35); an empty array means "not suppressed".
function isSuppressed(res: Result): boolean {
  return (res.suppressions ?? []).some((s) => s.status !== "rejected");
}

// Precedence: rule security-severity (a CVSS-like number), then the result level, then the rule default.
function severity(ruleDef: Rule | undefined, res: Result) {
  const score = Number(ruleDef?.properties?.["security-severity"]);
  if (ruleDef?.properties?.["security-severity"] !== undefined && Number.isFinite(score))
    return severityFromScore(score);
  return severityFromWord(res.level ?? ruleDef?.defaultConfiguration?.level ?? "warning");
}

// gitleaks 7 SARIF results have neither ruleId nor ruleIndex: the rule is only in "<rule> secret detected".
function gitleaksRuleFromMessage(res: Result): string | undefined {
  const m = /^(.{1,200}) secret detected$/.exec(res.message?.text ?? "");
  return m?.[1];
}

function uriToPath(uri: string): string {
  if (!uri.startsWith("file:")) return uri;
  try {
    return decodeURIComponent(new URL(uri).pathname).replace(/^\/([A-Za-z]:\/)/, "$1");
  } catch {
    return uri;
  }
}

// An image is described by a name or digest, or at least by its config digest (an OCI layout tagged "1.1" has no
// repository name: the upload's image parameter names it, and the config digest keeps its identity the same as
// the docker save of that image).
function runImage(p: z.infer<typeof run>["properties"]): ImageInfo | undefined {
  if (!p || !(p.imageName || p.repoTags?.length || p.repoDigests?.length || p.imageID || p["residue/image"]))
    return undefined;
  const named = tryParseImageRef(p.imageName) ?? tryParseImageRef(p.repoTags?.[0]);
  const pinned = p.repoDigests?.map((d) => tryParseImageRef(d)).find((d) => d?.digest);
  const ref = named ? { ...named, digest: named.digest ?? pinned?.digest } : pinned;
  const own = p["residue/image"];
  return {
    ref,
    configDigest: p.imageID,
    platform: own?.platform,
    history: own?.history,
    layers: own?.layers?.map((l) => ({ diffId: l.diffId, digest: l.digest, index: l.index })),
  };
}

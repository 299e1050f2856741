import { z } from "zod";
import { tryParseImageRef, type ImageRef } from "../../images/parse-image-ref";
import type { NormalizedFinding } from "../../findings/finding";
import {
  firstRecord,
  isObject,
  jsonValue,
  parseShape,
  severityFromScore,
  severityFromWord,
  perDocument,
} from "./parser";

// AWS Security Finding Format: what `trivy --format template --template @contrib/asff.tpl` writes ({"Findings":
// [...]}, or a bare array from older templates) and what Security Hub's GetFindings and exports return. Only
// findings typed "Sensitive Data Identifications…" are secrets; the rest (vulnerabilities, misconfigurations) are
// counted as skipped, as are archived findings and those whose workflow is SUPPRESSED or RESOLVED. trivy's secret
// findings name the file in Resources[].Details.Other.Filename and the rule only in the title ("Trivy found a
// secret in deploy.sh: AWS Access Key ID"); ASFF carries no value, so identity is the place.
const resource = z.looseObject({
  Type: z.string().max(256),
  Id: z.string().max(4096),
  Details: z
    .looseObject({
      Container: z
        .looseObject({ ImageName: z.string().max(512).optional(), ImageId: z.string().optional() })
        .optional(),
      AwsEcrContainerImage: z
        .looseObject({
          RegistryId: z.string().optional(),
          RepositoryName: z.string().max(512).optional(),
          ImageDigest: z.string().optional(),
          ImageTags: z.array(z.string()).optional(),
        })
        .optional(),
      Other: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
});
const finding = z.looseObject({
  SchemaVersion: z.string(),
  Id: z.string().max(4096),
  GeneratorId: z.string().max(4096).optional(),
  Types: z.array(z.string()).optional(),
  Title: z.string().max(4096).optional(),
  Severity: z.looseObject({ Label: z.string().optional(), Normalized: z.number().optional() }).optional(),
  ProductName: z.string().optional(),
  ProductFields: z.record(z.string(), z.unknown()).optional(),
  Resources: z.array(resource).optional(),
  RecordState: z.string().optional(),
  Workflow: z.looseObject({ Status: z.string().optional() }).optional(),
  CreatedAt: z.string().optional(),
});

const isFinding = (r: unknown) => isObject(r) && "SchemaVersion" in r && "ProductArn" in r && "Resources" in r;
const SECRET_TYPE = /^Sensitive Data Identifications(\/(Passwords|Security)(\/|$)|$)/;
const TRIVY_TITLE = /^Trivy found a secret in .*?: (.+)$/;

export const asffParser = perDocument({
  id: "asff",
  label: "AWS Security Finding Format (ASFF) JSON",
  sniff: (doc) => {
    if (doc.kind !== "json") return false;
    const v = doc.value;
    if (isObject(v) && Array.isArray(v.Findings)) return v.Findings.length === 0 || isFinding(v.Findings[0]);
    return Array.isArray(v) && isFinding(firstRecord(doc));
  },
  parse(doc) {
    const value = jsonValue(doc, "ASFF");
    const list = isObject(value) && Array.isArray(value.Findings) ? value.Findings : value;
    const all = parseShape(z.array(finding), list ?? [], "ASFF");
    const findings: NormalizedFinding[] = [];
    let skipped = 0;
    let tool: string | undefined;
    for (const f of all) {
      const closed = f.RecordState === "ARCHIVED" || ["SUPPRESSED", "RESOLVED"].includes(f.Workflow?.Status ?? "");
      if (closed || !f.Types?.some((t) => SECRET_TYPE.test(t))) {
        skipped++;
        continue;
      }
      const product = stringField(f.ProductFields, "Product Name") ?? f.ProductName;
      tool ??= product;
      const resources = f.Resources ?? [];
      const image = resources.map(imageOf).find((i) => i !== undefined);
      const other = resources.find((r) => r.Details?.Other)?.Details?.Other;
      const path = stringField(other, "Filename") ?? resources.find((r) => r.Type === "Other")?.Id ?? f.Id;
      const titled = f.Title ? TRIVY_TITLE.exec(f.Title)?.[1] : undefined;
      const generator = f.GeneratorId && f.GeneratorId !== product ? f.GeneratorId : undefined;
      const rule = stringField(f.ProductFields, "RuleId") ?? generator ?? titled ?? f.Title ?? "secret";
      const label = f.Severity?.Label;
      findings.push({
        ruleId: rule.slice(0, 256),
        detector: titled ?? rule.slice(0, 256),
        title: f.Title?.slice(0, 1024),
        severity:
          label !== undefined
            ? severityFromWord(label, "medium")
            : f.Severity?.Normalized !== undefined
              ? severityFromScore(f.Severity.Normalized / 10)
              : "medium",
        path,
        line: lineOf(other),
        source: "file",
        image,
      });
    }
    return { scanner: "asff", format: "asff", toolName: tool, findings, skipped };
  },
});

function imageOf(r: z.infer<typeof resource>): ImageRef | undefined {
  const ecr = r.Details?.AwsEcrContainerImage;
  if (ecr?.RepositoryName) {
    // arn:aws:ecr:<region>:<account>:repository/<name>/sha256:<digest>
    const region = /^arn:aws[\w-]*:ecr:([\w-]+):(\d+):/.exec(r.Id);
    const host = ecr.RegistryId && region ? `${ecr.RegistryId}.dkr.ecr.${region[1]}.amazonaws.com` : undefined;
    const ref = tryParseImageRef(`${host ? `${host}/` : ""}${ecr.RepositoryName}`);
    if (ref)
      return {
        ...ref,
        tag: ecr.ImageTags?.[0] ?? ref.tag,
        digest: ecr.ImageDigest?.startsWith("sha256:") ? ecr.ImageDigest : undefined,
      };
  }
  const name = r.Details?.Container?.ImageName ?? (r.Type === "Container" ? r.Id : undefined);
  return name ? tryParseImageRef(name) : undefined;
}

function stringField(o: Record<string, unknown> | undefined, key: string): string | undefined {
  const v = o?.[key];
  return typeof v === "string" && v.trim() ? v.trim().slice(0, 4096) : undefined;
}

function lineOf(o: Record<string, unknown> | undefined): number | undefined {
  const n = Number(o?.StartLine);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

import { z } from "zod";
import { tryParseImageRef } from "../../images/parse-image-ref";
import type { NormalizedFinding } from "../../findings/finding";
import { isObject, jsonValue, parseShape, positiveInt, severityFromWord, perDocument } from "./parser";

// trivy-operator ExposedSecretReport custom resource (aquasecurity.github.io/v1alpha1), or a List of them.
// The image is registry.server + artifact.repository + artifact.tag|digest; there is no layer.
const report = z.looseObject({
  kind: z.literal("ExposedSecretReport"),
  report: z.looseObject({
    artifact: z.looseObject({
      repository: z.string().max(512),
      tag: z.string().max(256).optional(),
      digest: z.string().optional(),
    }),
    registry: z.looseObject({ server: z.string().max(256) }).optional(),
    scanner: z.looseObject({ version: z.string().optional() }).optional(),
    updateTimestamp: z.string().optional(),
    secrets: z
      .array(
        z.looseObject({
          ruleID: z.string().max(256),
          category: z.string().max(256).optional(),
          severity: z.string().optional(),
          title: z.string().max(1024).optional(),
          target: z.string().max(4096),
          match: z.string().optional(),
          startLine: z.number().optional(),
        }),
      )
      .nullish(),
  }),
});

const isReport = (v: unknown) => isObject(v) && v.kind === "ExposedSecretReport";

export const trivyOperatorParser = perDocument({
  id: "trivy-operator",
  label: "trivy-operator ExposedSecretReport",
  sniff: (doc) =>
    doc.kind === "json" &&
    (isReport(doc.value) || (isObject(doc.value) && Array.isArray(doc.value.items) && isReport(doc.value.items[0]))),
  parse(doc) {
    const value = jsonValue(doc, "trivy-operator");
    const items = isObject(value) && Array.isArray(value.items) ? value.items : [value];
    const findings: NormalizedFinding[] = [];
    let version: string | undefined;
    for (const item of parseShape(z.array(report), items, "ExposedSecretReport")) {
      const { artifact, registry } = item.report;
      version ??= item.report.scanner?.version;
      const server = registry?.server ?? "docker.io";
      const image = tryParseImageRef(
        `${server}/${artifact.repository}${artifact.tag ? `:${artifact.tag}` : ""}${artifact.digest ? `@${artifact.digest}` : ""}`,
      );
      for (const s of item.report.secrets ?? []) {
        findings.push({
          ruleId: s.ruleID,
          detector: s.category ?? s.ruleID,
          title: s.title,
          severity: severityFromWord(s.severity),
          path: s.target.startsWith("/") ? s.target : `/${s.target}`,
          line: positiveInt(s.startLine),
          source: "file",
          masked: s.match?.slice(0, 200),
          image,
        });
      }
    }
    return {
      scanner: "trivy-operator",
      format: "trivy-operator-exposedsecretreport",
      scannerVersion: version,
      findings,
      skipped: 0,
    };
  },
});

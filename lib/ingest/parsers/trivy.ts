import { z } from "zod";
import { tryParseImageRef, type ImageRef } from "../../images/parse-image-ref";
import type { ImageInfo, NormalizedFinding } from "../../findings/finding";
import { isObject, jsonValue, parseShape, positiveInt, severityFromWord, perDocument, dateOf } from "./parser";

// trivy JSON, SchemaVersion 2 (pkg/types/report.go), the legacy schema-1 bare array, and the `trivy k8s` form.
// Secrets[].Layer = {Digest, DiffID, CreatedBy} for image scans only (pkg/fanal/types/secret.go @dc3c56e).
const layer = z.looseObject({
  Digest: z.string().optional(),
  DiffID: z.string().optional(),
  CreatedBy: z.string().optional(),
  Size: z.number().optional(),
});
const secret = z.looseObject({
  RuleID: z.string().max(256),
  Category: z.string().max(256).optional(),
  Severity: z.string().optional(),
  Title: z.string().max(1024).optional(),
  StartLine: z.number().int().optional(),
  Match: z.string().optional(),
  Layer: layer.optional(),
});
const result = z.looseObject({
  Target: z.string().max(4096),
  Class: z.string().optional(),
  Secrets: z.array(secret).nullish(),
  Vulnerabilities: z.array(z.unknown()).nullish(),
  Misconfigurations: z.array(z.unknown()).nullish(),
  Licenses: z.array(z.unknown()).nullish(),
});
const metadata = z.looseObject({
  ImageID: z.string().optional(),
  DiffIDs: z.array(z.string()).nullish(),
  RepoTags: z.array(z.string()).nullish(),
  RepoDigests: z.array(z.string()).nullish(),
  Reference: z.string().optional(),
  Layers: z.array(layer).nullish(),
  ImageConfig: z
    .looseObject({
      architecture: z.string().optional(),
      os: z.string().optional(),
      variant: z.string().optional(),
      history: z
        .array(z.looseObject({ created_by: z.string().optional(), empty_layer: z.boolean().optional() }))
        .nullish(),
    })
    .optional(),
});
const v2 = z.looseObject({
  SchemaVersion: z.number(),
  Trivy: z.looseObject({ Version: z.string().optional() }).optional(),
  CreatedAt: z.string().optional(),
  ArtifactName: z.string().max(4096).optional(),
  ArtifactType: z.string().optional(),
  Metadata: metadata.optional(),
  Results: z.array(result).nullish(),
});
const k8s = z.looseObject({
  ClusterName: z.string(),
  Vulnerabilities: z.array(z.looseObject({ Results: z.array(result).nullish() })).nullish(),
  Misconfigurations: z.array(z.looseObject({ Results: z.array(result).nullish() })).nullish(),
  Resources: z.array(z.looseObject({ Results: z.array(result).nullish() })).nullish(),
});

type Result = z.infer<typeof result>;

export const trivyParser = perDocument({
  id: "trivy",
  label: "trivy JSON",
  sniff: (doc) => {
    if (doc.kind !== "json") return false;
    const v = doc.value;
    if (isObject(v))
      return (
        "SchemaVersion" in v ||
        ("ClusterName" in v && ("Vulnerabilities" in v || "Misconfigurations" in v || "Resources" in v))
      );
    return Array.isArray(v) && isObject(v[0]) && "Target" in v[0] && ("Vulnerabilities" in v[0] || "Type" in v[0]);
  },
  parse(doc) {
    const value = jsonValue(doc, "trivy");
    if (value === null || Array.isArray(value)) {
      // Schema 1: a bare array of results (or null). It predates secret scanning.
      const results = parseShape(z.array(result), value ?? [], "trivy (legacy)");
      return { scanner: "trivy", format: "trivy-json-v1", ...collect(results, () => undefined) };
    }
    if (isObject(value) && "ClusterName" in value) {
      const r = parseShape(k8s, value, "trivy k8s");
      const results = [...(r.Vulnerabilities ?? []), ...(r.Misconfigurations ?? []), ...(r.Resources ?? [])].flatMap(
        (x) => x.Results ?? [],
      );
      // Each k8s result's Target starts with the image reference: "docker.io/redis:6.0.5 (debian 10.4)".
      return {
        scanner: "trivy",
        format: "trivy-json-k8s",
        target: r.ClusterName,
        ...collect(results, (t) => tryParseImageRef(t.split(" ")[0])),
      };
    }
    const r = parseShape(v2, value, "trivy");
    const image = r.ArtifactType === "container_image" ? imageInfo(r.ArtifactName, r.Metadata) : undefined;
    return {
      scanner: "trivy",
      format: `trivy-json-v${r.SchemaVersion}`,
      scannerVersion: r.Trivy?.Version,
      target: r.ArtifactName,
      scannedAt: dateOf(r.CreatedAt),
      image,
      ...collect(r.Results ?? [], () => undefined),
    };
  },
});

function collect(results: Result[], imageOf: (target: string) => ImageRef | undefined) {
  const findings: NormalizedFinding[] = [];
  let skipped = 0;
  for (const res of results) {
    skipped += (res.Vulnerabilities?.length ?? 0) + (res.Misconfigurations?.length ?? 0) + (res.Licenses?.length ?? 0);
    for (const s of res.Secrets ?? []) {
      findings.push({
        ruleId: s.RuleID,
        detector: s.Category ?? s.RuleID,
        title: s.Title,
        severity: severityFromWord(s.Severity),
        path: res.Target,
        line: positiveInt(s.StartLine),
        source: "file",
        // trivy masks the match with "*": no value and no fingerprint leave the scanner.
        masked: s.Match?.slice(0, 200),
        layer:
          s.Layer && (s.Layer.DiffID || s.Layer.Digest)
            ? { diffId: s.Layer.DiffID, digest: s.Layer.Digest, createdBy: s.Layer.CreatedBy }
            : undefined,
        image: imageOf(res.Target),
      });
    }
  }
  return { findings, skipped };
}

function imageInfo(artifactName: string | undefined, m: z.infer<typeof metadata> | undefined): ImageInfo {
  // ArtifactName may be a tar path for `trivy image --input`; RepoTags/Reference name the image then.
  const fromArchive = /\.(tar|tar\.gz|tgz|tar\.zst)$/i.test(artifactName ?? "");
  const named =
    (fromArchive ? undefined : tryParseImageRef(artifactName)) ??
    tryParseImageRef(m?.Reference) ??
    tryParseImageRef(m?.RepoTags?.[0]);
  const pinned = m?.RepoDigests?.map((d) => tryParseImageRef(d)).find((d) => d?.digest);
  const ref = named
    ? {
        ...named,
        digest: named.digest ?? (pinned && pinned.repository === named.repository ? pinned.digest : undefined),
      }
    : pinned;
  const cfg = m?.ImageConfig;
  const diffIds = m?.DiffIDs ?? [];
  const layers = m?.Layers?.length
    ? m.Layers.map((l, index) => ({ diffId: l.DiffID, digest: l.Digest, size: l.Size, index }))
    : diffIds.map((diffId, index) => ({ diffId, index }));
  return {
    ref,
    configDigest: m?.ImageID,
    platform:
      cfg?.os && cfg.architecture ? [cfg.os, cfg.architecture, cfg.variant].filter(Boolean).join("/") : undefined,
    history: cfg?.history?.map((h) => ({ createdBy: h.created_by, emptyLayer: !!h.empty_layer })),
    layers,
  };
}

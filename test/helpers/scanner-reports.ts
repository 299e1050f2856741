// Reports of one image as each scanner writes them (shared/fixtures/FORMATS.md), from what the test planted in it:
// the value where the scanner prints it, masked where it masks it, the layer as the scanner names it.
import crypto from "node:crypto";

export type PlantedImage = {
  ref: { repository: string; tag: string };
  configDigest: string;
  layers: { diffId: string; digest: string; createdBy: string }[];
  history: string[];
};
export type Planted = {
  kind: "aws" | "npm" | "github" | "private-key";
  /** The value as it sits in the file; AWS has two, the key id first. */
  values: string[];
  /** Where: a file in a layer (1-based line of each value), or a history entry. */
  at: { layer: number; path: string; lines: number[] } | { history: number };
};

const sha = (alg: string, s: string) => crypto.createHash(alg).update(s).digest("hex");
const mask = (v: string) => "*".repeat(v.length);
const ref = (img: PlantedImage) => `${img.ref.repository}:${img.ref.tag}`;

const TRUFFLEHOG_DETECTOR = { aws: "AWS", npm: "NpmToken", github: "Github", "private-key": "PrivateKey" } as const;
/** trufflehog v3 docker source: one JSON object per line; `layer` is the compressed digest. */
export function trufflehogLines(img: PlantedImage, planted: Planted[]): string {
  return planted
    .map((p) => {
      const file = "history" in p.at ? `image-metadata:history:${p.at.history}:created-by` : `/${p.at.path}`;
      const docker = {
        file,
        image: img.ref.repository,
        tag: img.ref.tag,
        ...("layer" in p.at ? { layer: img.layers[p.at.layer]!.digest } : {}),
      };
      return JSON.stringify({
        SourceMetadata: { Data: { Docker: docker } },
        SourceID: 1,
        SourceType: 4,
        SourceName: "trufflehog - docker",
        DetectorType: 2,
        DetectorName: TRUFFLEHOG_DETECTOR[p.kind],
        DecoderName: "PLAIN",
        Verified: false,
        Raw: p.values[0],
        RawV2: p.kind === "aws" ? p.values[0]! + p.values[1]! : "",
        Redacted: p.kind === "aws" ? p.values[0] : "",
        ExtraData: null,
        StructuredData: null,
      });
    })
    .join("\n");
}

const GITLEAKS_RULE = {
  aws: "aws-access-token",
  npm: "npm-access-token",
  github: "github-pat",
  "private-key": "private-key",
} as const;
/** gitleaks v8 `dir` over the image's final filesystem: deleted files and history are not in it. */
export function gitleaksJson(planted: Planted[], finalFs: (p: Planted) => boolean): string {
  return JSON.stringify(
    planted
      .filter((p) => "layer" in p.at && finalFs(p))
      .map((p) => {
        const at = p.at as { path: string; lines: number[] };
        return {
          RuleID: GITLEAKS_RULE[p.kind],
          Description: `${p.kind} token`,
          StartLine: at.lines[0],
          EndLine: at.lines[0],
          StartColumn: 1,
          EndColumn: 40,
          Match: p.values[0],
          Secret: p.values[0],
          File: at.path,
          SymlinkFile: "",
          Commit: "",
          Entropy: 4.5,
          Author: "",
          Email: "",
          Date: "",
          Message: "",
          Tags: [],
          Fingerprint: `${at.path}:${GITLEAKS_RULE[p.kind]}:${at.lines[0]}`,
        };
      }),
  );
}

const GG = {
  aws: ["AWS Keys", ["client_id", "client_secret"]],
  npm: ["NPM Token", ["apikey"]],
  github: ["GitHub Token", ["apikey"]],
  "private-key": ["Generic Private Key", ["apikey"]],
} as const;
/** ggshield `secret scan docker --json`: files named "<diffID>:/<path>", matches masked, ignore_sha as ggshield computes it. */
export function ggshieldJson(img: PlantedImage, planted: Planted[]): string {
  const files = planted.filter((p) => "layer" in p.at);
  return JSON.stringify({
    id: "/tmp/image.tar",
    type: "scan_docker_archive",
    entities_with_incidents: files.map((p) => {
      const at = p.at as { layer: number; path: string; lines: number[] };
      const [type, matchTypes] = GG[p.kind];
      const matches = p.values.map((v, i) => ({ match: v, type: matchTypes[i]! }));
      const ignoreSha = sha(
        "sha256",
        [...matches]
          .sort((a, b) => (a.type < b.type ? -1 : 1))
          .map((m) => `${m.match},${m.type}`)
          .join(""),
      );
      return {
        mode: "FILE",
        filename: `${img.layers[at.layer]!.diffId}:/${at.path}`,
        incidents: [
          {
            policy: "Secrets detection",
            type,
            validity: "no_checker",
            ignore_sha: ignoreSha,
            total_occurrences: matches.length,
            occurrences: matches.map((m, i) => ({
              match: `${m.match.slice(0, 2)}${"*".repeat(Math.max(0, m.match.length - 4))}${m.match.slice(-2)}`,
              type: m.type,
              line_start: at.lines[i],
              line_end: at.lines[i],
              index_start: 0,
              index_end: m.match.length,
            })),
          },
        ],
        total_incidents: 1,
        total_occurrences: matches.length,
      };
    }),
    total_incidents: files.length,
    total_occurrences: files.length,
    secrets_engine_version: "2.130.0",
  });
}

const TRIVY = {
  aws: [
    ["aws-access-key-id", "AWS Access Key ID"],
    ["aws-secret-access-key", "AWS Secret Access Key"],
  ],
  npm: [["npm-access-token", "npm access token"]],
  github: [["github-pat", "GitHub Personal Access Token"]],
  "private-key": [["private-key", "Asymmetric Private Key"]],
} as const;
/** trivy image JSON: one result per file, every value masked with "*", each secret with the layer it is in. */
export function trivyJson(img: PlantedImage, planted: Planted[]): string {
  const layerOf = (i: number) => ({
    Digest: img.layers[i]!.digest,
    DiffID: img.layers[i]!.diffId,
    CreatedBy: img.layers[i]!.createdBy,
  });
  return JSON.stringify({
    SchemaVersion: 2,
    Trivy: { Version: "0.58.1" },
    ArtifactName: ref(img),
    ArtifactType: "container_image",
    Metadata: {
      ImageID: img.configDigest,
      DiffIDs: img.layers.map((l) => l.diffId),
      RepoTags: [ref(img)],
      RepoDigests: null,
      ImageConfig: { architecture: "amd64", os: "linux", history: img.history.map((h) => ({ created_by: h })) },
      Layers: img.layers.map((l) => ({ Digest: l.digest, DiffID: l.diffId })),
    },
    Results: planted
      .filter((p) => "layer" in p.at)
      .map((p) => {
        const at = p.at as { layer: number; path: string; lines: number[] };
        return {
          Target: at.path,
          Class: "secret",
          Secrets: p.values.map((v, i) => ({
            RuleID: TRIVY[p.kind][i]![0],
            Category: p.kind === "aws" ? "AWS" : "Secret",
            Severity: "CRITICAL",
            Title: TRIVY[p.kind][i]![1],
            StartLine: at.lines[i],
            EndLine: at.lines[i],
            Match: mask(v),
            Layer: layerOf(at.layer),
          })),
        };
      }),
  });
}

/** detect-secrets baseline of the final filesystem: the sha1 of each value it found. */
export function detectSecretsBaseline(planted: Planted[], finalFs: (p: Planted) => boolean): string {
  const results: Record<string, unknown[]> = {};
  for (const p of planted) {
    if (!("layer" in p.at) || !finalFs(p) || p.kind === "private-key") continue;
    const at = p.at;
    results[at.path] = p.values.map((v, i) => ({
      type: p.kind === "aws" && i === 0 ? "AWS Access Key" : "Secret Keyword",
      filename: at.path,
      hashed_secret: sha("sha1", v),
      is_verified: false,
      line_number: at.lines[i],
    }));
  }
  return JSON.stringify({
    version: "1.5.0",
    plugins_used: [{ name: "AWSKeyDetector" }, { name: "KeywordDetector" }],
    filters_used: [],
    results,
    generated_at: "2026-12-02T00:00:00Z",
  });
}

/** A fresh GitHub token value, for tests that plant one. */
export const githubToken = () => `ghp_${crypto.randomBytes(18).toString("hex")}`;

/** A gitleaks v8 report of GitHub tokens, one per line of `app/.env` (values, no layer). */
export const gitleaksTokens = (secrets: string[]) =>
  Buffer.from(
    JSON.stringify(
      secrets.map((s, i) => ({
        RuleID: "github-pat",
        Description: "GitHub token",
        StartLine: i + 1,
        EndLine: i + 1,
        Secret: s,
        Match: s,
        File: "app/.env",
        Commit: "",
        Tags: [],
      })),
    ),
  );

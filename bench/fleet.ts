// A deterministic, realistic fleet in real report formats: registries, repositories, images built on a few shared
// base layers, secrets reused across many images (a few keys everywhere, most keys in one place), tags that move
// to newer digests. Reports are residue SARIF (with layers), trivy JSON and trufflehog v3 JSON lines.
import crypto from "node:crypto";

export function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const hex = (s: string) => crypto.createHash("sha256").update(s).digest("hex");
export const digestOf = (s: string) => `sha256:${hex(s)}`;

const REGISTRIES = ["ghcr.io", "docker.io", "registry.gitlab.com"];
const RULES = [
  "aws-access-key-id",
  "github-pat",
  "slack-bot-token",
  "private-key",
  "npm-token",
  "gcp-service-account",
  "stripe-secret-key",
  "db-password",
];

/** The i-th secret value of the pool; skewed reuse: low indices appear in many images. */
export const secretValue = (i: number) => `bench_${RULES[i % RULES.length]}_${hex(`secret-${i}`).slice(0, 32)}`;
export function pickSecret(r: () => number, pool: number) {
  return Math.floor(pool * Math.pow(r(), 3)); // cubic skew: a handful of keys everywhere
}

export type FleetImage = {
  registry: string;
  repository: string;
  tag: string;
  digest: string;
  baseLayers: string[];
  ownLayers: string[];
};

export function fleetImages(count: number, opts: { repositories: number; bases: number; seed?: number }): FleetImage[] {
  const r = rng(opts.seed ?? 7);
  const bases = Array.from({ length: opts.bases }, (_, b) => [digestOf(`base-${b}-0`), digestOf(`base-${b}-1`)]);
  return Array.from({ length: count }, (_, i) => {
    const repo = i % opts.repositories;
    const build = Math.floor(i / opts.repositories);
    return {
      registry: REGISTRIES[repo % REGISTRIES.length]!,
      repository: `bench/svc-${repo}`,
      // Builds of a repository reuse a few tags: "latest" and a release tag move to the newer digest.
      tag: build % 3 === 0 ? "latest" : `1.${build % 5}`,
      digest: digestOf(`image-${i}`),
      baseLayers: bases[Math.floor(r() * bases.length)]!,
      ownLayers: [digestOf(`own-${i}-0`), digestOf(`own-${i}-1`)],
    };
  });
}

/** A `residue scan` SARIF report for one image with `results` findings (most in its own layers, some in the base). */
export function residueSarif(
  img: FleetImage,
  results: number,
  opts: { secretPool: number; seed: number; padding?: number },
): string {
  const r = rng(opts.seed);
  const layers = [...img.baseLayers, ...img.ownLayers].map((d, index) => ({
    index,
    diffId: d,
    createdBy: index < 2 ? `ADD base-${index}.tar /` : `COPY app-${index} /app`,
  }));
  const pad = "x".repeat(opts.padding ?? 0);
  const out = {
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "residue",
            version: "bench",
            rules: RULES.map((id) => ({
              id,
              name: id,
              shortDescription: { text: id },
              properties: { "security-severity": "9.0", tags: ["secret"] },
            })),
          },
        },
        properties: {
          imageName: `${img.registry}/${img.repository}:${img.tag}`,
          repoDigests: [`${img.registry}/${img.repository}@${img.digest}`],
          "residue/image": {
            platform: "linux/amd64",
            history: layers.map((l) => ({ createdBy: l.createdBy, emptyLayer: false })),
            layers,
          },
        },
        results: Array.from({ length: results }, (_, k) => {
          const s = pickSecret(r, opts.secretPool);
          const layer = layers[r() < 0.15 ? Math.floor(r() * 2) : 2 + Math.floor(r() * 2)]!;
          const residue = r() < 0.1;
          return {
            ruleId: RULES[s % RULES.length],
            level: "error",
            message: { text: `${RULES[s % RULES.length]} in /app/src/module-${k}.env${pad}` },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: `/app/src/module-${k}.env` },
                  region: { startLine: 1 + (k % 40) },
                },
              },
            ],
            properties: {
              "residue/source": "file",
              "residue/layer": layer,
              ...(residue ? { "residue/deletedIn": layers[3] } : {}),
              "residue/valueSha256": hex(secretValue(s)),
              "residue/preview": `${secretValue(s).slice(0, 4)}•••• (${secretValue(s).length} chars)`,
            },
          };
        }),
      },
    ],
  };
  return JSON.stringify(out);
}

/** trivy JSON (image scan, secrets only) for one image. */
export function trivyReport(img: FleetImage, findings: number, opts: { secretPool: number; seed: number }): string {
  const r = rng(opts.seed);
  const layers = [...img.baseLayers, ...img.ownLayers];
  return JSON.stringify({
    SchemaVersion: 2,
    ArtifactName: `${img.registry}/${img.repository}:${img.tag}`,
    ArtifactType: "container_image",
    Metadata: {
      ImageID: digestOf(`cfg-${img.digest}`),
      DiffIDs: layers,
      RepoTags: [`${img.registry}/${img.repository}:${img.tag}`],
      RepoDigests: [`${img.registry}/${img.repository}@${img.digest}`],
    },
    Results: [
      {
        Target: `${img.registry}/${img.repository}:${img.tag}`,
        Class: "secret",
        Secrets: Array.from({ length: findings }, (_, k) => {
          const s = pickSecret(r, opts.secretPool);
          return {
            RuleID: RULES[s % RULES.length],
            Category: "bench",
            Severity: "CRITICAL",
            Title: RULES[s % RULES.length],
            StartLine: 1 + k,
            EndLine: 1 + k,
            Match: `KEY=${secretValue(s).slice(0, 4)}*****`,
            Layer: { DiffID: layers[2 + (k % 2)] },
          };
        }),
      },
    ],
  });
}

/** trufflehog v3 `docker --image` JSON lines for one image. */
export function trufflehogLines(img: FleetImage, findings: number, opts: { secretPool: number; seed: number }): string {
  const r = rng(opts.seed);
  return Array.from({ length: findings }, (_, k) => {
    const s = pickSecret(r, opts.secretPool);
    return JSON.stringify({
      SourceMetadata: {
        Data: {
          Docker: {
            file: `/etc/app/conf-${k}.yaml`,
            image: `${img.registry}/${img.repository}:${img.tag}`,
            layer: img.ownLayers[k % 2],
          },
        },
      },
      SourceID: 1,
      SourceType: 2,
      SourceName: "trufflehog - docker",
      DetectorType: 2,
      DetectorName: "AWS",
      DecoderName: "PLAIN",
      Verified: r() < 0.2,
      Raw: secretValue(s),
      Redacted: secretValue(s).slice(0, 4),
      ExtraData: null,
      StructuredData: null,
    });
  }).join("\n");
}

/** The i-th image's report in the fleet's mix of formats: residue SARIF, trivy JSON, trufflehog JSON lines in turn. */
export function mixedReport(img: FleetImage, i: number, findings: number): string {
  const opts = { secretPool: 2_000, seed: i };
  if (i % 3 === 0) return residueSarif(img, findings, opts);
  return i % 3 === 1 ? trivyReport(img, findings, opts) : trufflehogLines(img, findings, opts);
}

import crypto from "node:crypto";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as uploadScan } from "@/app/api/v1/scans/route";
import { GET as getSecretRoute } from "@/app/api/v1/secrets/[id]/route";
import { createApiToken } from "@/lib/auth/api-tokens";
import { scanImage } from "@/lib/scanner/scan-image";
import { toSarif } from "@/lib/scanner/to-sarif";
import { getSecretActivity } from "@/lib/secrets/get-secret-activity";
import { applyStepEvent } from "@/lib/remediation/steps";
import { addComment, triageSecrets } from "@/lib/triage/triage-secrets";
import { waitQuery } from "@/test/helpers/wait-query";
import { setupTestDb, testDatabaseKind, type TestDb } from "@/test/helpers/db";
import { buildLayers, dockerArchive, privateKeyPem, type TestImage } from "@/test/helpers/image-archive";
import { expectRollupsEqualRecount } from "@/test/helpers/rollups";
import {
  detectSecretsBaseline,
  ggshieldJson,
  gitleaksJson,
  trivyJson,
  trufflehogLines,
  type Planted,
  type PlantedImage,
} from "@/test/helpers/scanner-reports";

const system = { kind: "system", label: "test" } as const;
let t: TestDb;
let token: string;
const ctx = (params: Record<string, string> = {}) => ({ params: Promise.resolve(params) });

beforeAll(async () => {
  t = await setupTestDb({ worker: true });
  token = (await createApiToken(system, { name: "ci", scopes: ["scans:write", "read"] })).token;
});
afterAll(() => t.drop());

async function post(body: string, query = "") {
  const res = await uploadScan(
    new NextRequest(`http://localhost/api/v1/scans${waitQuery(query)}`, {
      method: "POST",
      body,
      headers: { authorization: `Bearer ${token}` },
    }),
    ctx(),
  );
  const json = await res.json();
  expect(res.status, JSON.stringify(json)).toBe(201);
  return json;
}
async function getSecret(id: string) {
  const res = await getSecretRoute(
    new NextRequest(`http://localhost/api/v1/secrets/${id}`, { headers: { authorization: `Bearer ${token}` } }),
    ctx({ id }),
  );
  expect(res.status).toBe(200);
  return res.json();
}

const random = (n: number, alphabet: string) =>
  Array.from(crypto.randomBytes(n), (b) => alphabet[b % alphabet.length]).join("");
const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/**
 * An image as a fleet builds them: a private key in the base layer, an npm token copied in and deleted in the next
 * layer (whose build step got a GitHub token as a build argument), an AWS key pair in /app/.env; and every
 * scanner's report of it, each in its own shape.
 */
async function scenario(repository: string) {
  const aws = [`AKIA${random(16, UPPER)}`, random(40, ALNUM + "/+")];
  const npm = `npm_${random(36, ALNUM)}`;
  const gh = `ghp_${random(36, ALNUM)}`;
  const pem = privateKeyPem();
  const img: TestImage = {
    tag: `registry.example.com/${repository}:1.0`,
    layers: [
      {
        createdBy: "ADD rootfs.tar / # base",
        files: { "etc/ssl/private/server.key": pem, "etc/os-release": "ID=base\n" },
      },
      {
        createdBy: "COPY .npmrc /root/.npmrc # buildkit",
        files: { "root/.npmrc": `//registry.npmjs.org/:_authToken=${npm}\n` },
      },
      {
        createdBy: `|1 GITHUB_TOKEN=${gh} /bin/sh -c npm ci && rm /root/.npmrc`,
        whiteouts: ["/root/.npmrc"],
        files: { "app/package.json": "{}" },
      },
      {
        createdBy: "COPY .env /app/.env # buildkit",
        files: { "app/.env": `AWS_ACCESS_KEY_ID=${aws[0]}\nAWS_SECRET_ACCESS_KEY=${aws[1]}\n` },
      },
    ],
  };
  const built = await buildLayers(img);
  const planted: Planted[] = [
    { kind: "private-key", values: [pem], at: { layer: 0, path: "etc/ssl/private/server.key", lines: [1] } },
    { kind: "npm", values: [npm], at: { layer: 1, path: "root/.npmrc", lines: [1] } },
    { kind: "github", values: [gh], at: { history: 2 } },
    { kind: "aws", values: aws, at: { layer: 3, path: "app/.env", lines: [1, 2] } },
  ];
  const image: PlantedImage = {
    ref: { repository: `registry.example.com/${repository}`, tag: "1.0" },
    configDigest: built.configDigest,
    layers: built.layers.map((l) => ({ diffId: l.diffId, digest: l.digest, createdBy: l.createdBy })),
    history: img.layers.map((l) => l.createdBy),
  };
  const finalFs = (p: Planted) => p.kind !== "npm";
  const imageParam = `?image=${encodeURIComponent(img.tag)}`;
  const reports = {
    residue: { body: JSON.stringify(toSarif(await scanImage(await dockerArchive(img)))), query: "" },
    trufflehog: { body: trufflehogLines(image, planted), query: "" },
    gitleaks: { body: gitleaksJson(planted, finalFs), query: imageParam },
    ggshield: { body: ggshieldJson(image, planted), query: imageParam },
    trivy: { body: trivyJson(image, planted), query: "" },
    "detect-secrets": { body: detectSecretsBaseline(planted, finalFs), query: imageParam },
  };
  return {
    reports,
    raws: [...aws, npm, gh, pem],
    repository: `registry.example.com/${repository}`.split("/").slice(1).join("/"),
  };
}
type Scanner = keyof Awaited<ReturnType<typeof scenario>>["reports"];

const secretsOf = (repository: string) =>
  t.db.secret.findMany({
    where: { occurrences: { some: { repository: { name: repository } } } },
    select: { id: true, detector: true, identityKind: true },
    orderBy: { id: "asc" },
  });

// Which scanners report each credential of the scenario: gitleaks and detect-secrets see only the final
// filesystem, ggshield and trivy only files, detect-secrets has no private-key hash to compare.
const EXPECTED_SCANNERS = { "private-key": 5, npm: 4, github: 2, aws: 6 };

describe(`one credential, one secret, whichever scanners report it, on ${testDatabaseKind}`, () => {
  const orders: [string, Scanner[]][] = [
    ["values first", ["residue", "trufflehog", "gitleaks", "detect-secrets", "ggshield", "trivy"]],
    ["masked first", ["trivy", "ggshield", "detect-secrets", "gitleaks", "trufflehog", "residue"]],
    ["interleaved", ["ggshield", "gitleaks", "trivy", "residue", "detect-secrets", "trufflehog"]],
  ];
  for (const [name, order] of orders) {
    it(`six scanners × one image, ${name}: exactly one secret per credential, each listing its scanners`, async () => {
      const s = await scenario(`team/app-${name.replace(/\W/g, "-")}`);
      for (const scanner of order) await post(s.reports[scanner].body, s.reports[scanner].query);
      const secrets = await secretsOf(s.repository);
      expect(secrets.map((x) => x.detector)).toHaveLength(4);
      const scanners = await Promise.all(secrets.map(async (x) => (await getSecret(x.id)).scanners as string[]));
      expect(scanners.map((list) => list.length).sort()).toEqual(Object.values(EXPECTED_SCANNERS).sort());
      for (const list of scanners) expect(new Set(list).size).toBe(list.length);
      // Every secret has the value's keyed hash now: the masked findings joined a value, none is left alone.
      expect(secrets.map((x) => x.identityKind)).toEqual(["hmac", "hmac", "hmac", "hmac"]);
      await expectNoRawValue(s.raws);
    });
  }

  it("a credential two secrets held apart is merged when an upload shows both are it: triage, comments, steps and history carried over", async () => {
    const s = await scenario("team/merge");
    // The masked secret (trivy) is triaged; the key id (gitleaks, final filesystem only) is another secret.
    await post(s.reports.trivy.body);
    const [masked] = await secretsOf(s.repository).then((all) => all.filter((x) => x.detector.startsWith("AWS")));
    await triageSecrets(system, { ids: [masked!.id], change: { state: "confirmed" } });
    await addComment(system, { secretId: masked!.id, body: "rotating with the platform team" });
    const rotate = await t.db.remediationStep.findFirstOrThrow({ where: { secretId: masked!.id, kind: "rotate" } });
    await applyStepEvent(system, { stepId: rotate.id, event: { type: "start" } });
    const otherRepo = await scenario("team/merge-other");
    // The same AWS key pair, seen as values only, elsewhere: a separate secret until evidence links them.
    const pair = s.raws.slice(0, 2);
    const otherBody = otherRepo.reports.trufflehog.body
      .split("\n")
      .find((l) => l.includes('"AWS"'))!
      .replaceAll(otherRepo.raws[0]!, pair[0]!)
      .replaceAll(otherRepo.raws[1]!, pair[1]!);
    await post(otherBody);
    const [valued] = await secretsOf(otherRepo.repository);
    expect(valued!.id).not.toBe(masked!.id);

    // Residue's scan of the first image has the values, at the masked secret's place: the two are one.
    await post(s.reports.residue.body);
    const aws = (await secretsOf(s.repository)).filter((x) => /aws/i.test(x.detector));
    expect(aws).toHaveLength(1);
    expect(await secretsOf(s.repository)).toHaveLength(4);
    expect(await t.db.secret.findUnique({ where: { id: valued!.id } })).toBeNull();
    const merged = await t.db.secret.findUniqueOrThrow({
      where: { id: aws[0]!.id },
      include: { comments: true, steps: true, occurrences: { include: { repository: true } } },
    });
    expect(merged.id).toBe(masked!.id); // the first seen survives
    expect(merged).toMatchObject({ triageState: "confirmed", identityKind: "hmac" });
    expect(merged.redactedPreview).toMatch(/^AKIA•{4} \(20 chars\)$/);
    expect(merged.comments.map((c) => c.body)).toEqual(["rotating with the platform team"]);
    expect(merged.steps.find((x) => x.kind === "rotate")).toMatchObject({ id: rotate.id, state: "in_progress" });
    expect(new Set(merged.occurrences.map((o) => o.repository.name))).toEqual(
      new Set([s.repository, otherRepo.repository]),
    );
    expect(merged.steps.filter((x) => x.kind === "rebuild").length).toBe(2); // a plan for the repository it brought along

    const moved = await getSecret(valued!.id);
    expect(moved).toMatchObject({ movedFrom: valued!.id, mergedFrom: 1, secret: { id: masked!.id } });
    const activity = await getSecretActivity(masked!.id);
    expect(activity.timeline.map((e) => e.label)).toEqual(
      expect.arrayContaining(["secret.merged", "secret.merged_into", "secret.triaged"]),
    );
    await expectCountersEqualRecount();

    // Idempotent: the same evidence again merges nothing, and the same bytes are a duplicate.
    const merges = await t.db.secretMerge.count();
    await post(s.reports.trufflehog.body);
    expect(await t.db.secretMerge.count()).toBe(merges);
    expect((await secretsOf(s.repository)).filter((x) => /aws/i.test(x.detector))).toHaveLength(1);
    await expectCountersEqualRecount();
    await expectNoRawValue([...s.raws, ...otherRepo.raws]);
  });

  it("uploads that merge the same secrets at the same time end as one secret and one merge", async () => {
    const s = await scenario("team/race");
    await post(s.reports.trivy.body);
    await post(
      s.reports.gitleaks.body.replace(/"File":"app\/\.env"/g, '"File":"srv/other.env"'),
      s.reports.gitleaks.query,
    );
    const merges = await t.db.secretMerge.count();
    await Promise.all([
      post(s.reports.residue.body),
      post(s.reports.trufflehog.body),
      post(s.reports.ggshield.body, s.reports.ggshield.query),
    ]);
    const secrets = await secretsOf(s.repository);
    expect(secrets).toHaveLength(4);
    expect(await t.db.secretMerge.count()).toBeGreaterThan(merges);
    const keys = await t.db.secretKey.groupBy({
      by: ["secretId"],
      where: { secretId: { in: secrets.map((x) => x.id) } },
      _count: true,
    });
    expect(keys).toHaveLength(4);
    await expectCountersEqualRecount();
  });
});

async function expectNoRawValue(raws: string[]) {
  const tables = await t.db.$queryRawUnsafe<{ tablename: string }[]>(
    `SELECT tablename FROM pg_tables WHERE schemaname = 'public'`,
  );
  let dump = "";
  for (const { tablename } of tables)
    dump += (
      await t.db.$queryRawUnsafe<{ j: string }[]>(`SELECT coalesce(json_agg(t)::text, '') AS j FROM "${tablename}" t`)
    )[0]!.j;
  const leaked = raws.filter(
    (v) => dump.includes(v) || dump.includes(JSON.stringify(v).slice(1, -1)) || dump.includes(v.slice(8, 30)),
  );
  expect(leaked).toEqual([]);
}

/** Counters and the exposure rollups equal a full recount, after merges moved occurrences between secrets. */
async function expectCountersEqualRecount() {
  const drift = await t.db.$queryRawUnsafe<{ id: string }[]>(`
    SELECT s.id FROM "Secret" s LEFT JOIN (
      SELECT "secretId", count(*)::int n, count(DISTINCT "imageId")::int images, count(DISTINCT "repositoryId")::int repos, (count(*) FILTER (WHERE residue))::int residue
      FROM "Occurrence" GROUP BY "secretId") c ON c."secretId" = s.id
    WHERE s."occurrenceCount" <> COALESCE(c.n, 0) OR s."imageCount" <> COALESCE(c.images, 0) OR s."repositoryCount" <> COALESCE(c.repos, 0) OR s."residueCount" <> COALESCE(c.residue, 0)`);
  expect(drift).toEqual([]);
  await expectRollupsEqualRecount(t.db);
}

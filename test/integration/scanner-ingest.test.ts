import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluateGate } from "@/lib/gate/evaluate-gate";
import { getImage } from "@/lib/images/get-image";
import { ingestScan } from "@/lib/ingest/ingest-scan";
import { scanImage } from "@/lib/scanner/scan-image";
import { toSarif } from "@/lib/scanner/to-sarif";
import { applyStepEvent } from "@/lib/remediation/steps";
import { triageSecrets } from "@/lib/triage/triage-secrets";
import { findingTypes } from "@/lib/vocabulary/finding-type";
import { setupTestDb, testDatabaseKind, type TestDb } from "@/test/helpers/db";
import { dockerArchive, ociLayout, privateKeyPem, type TestLayer } from "@/test/helpers/image-archive";

let t: TestDb;
const system = { kind: "system", label: "test" } as const;
const GH = "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";

beforeAll(async () => {
  t = await setupTestDb();
});
afterAll(() => t.drop());

async function scanAndIngest(tag: string, layers: TestLayer[]) {
  const scan = await scanImage(await dockerArchive({ tag, layers }));
  const r = await ingestScan({ content: Buffer.from(JSON.stringify(toSarif(scan))), uploader: system });
  return { scan, r };
}

describe(`residue scan → ingest on ${testDatabaseKind}`, () => {
  const baseLayer: TestLayer = {
    createdBy: "ADD rootfs / # base",
    files: { "etc/ssl/private/base.key": privateKeyPem(), "etc/os-release": "ID=base\n" },
  };

  it("two images in two repositories sharing a base layer that holds a key: one secret, two images, inherited", async () => {
    const a = await scanAndIngest("ghcr.io/acme/api:1.0", [
      baseLayer,
      { createdBy: "COPY api /app", files: { "app/api.js": "1" } },
    ]);
    const b = await scanAndIngest("docker.io/acme/worker:3", [
      baseLayer,
      { createdBy: "COPY worker /app", files: { "app/worker.js": "2" } },
    ]);
    expect(a.scan.findings[0]!.layer!.diffId).toBe(b.scan.findings[0]!.layer!.diffId);
    const secrets = await t.db.secret.findMany({
      include: { occurrences: { include: { image: { include: { repository: true } } } } },
    });
    expect(secrets).toHaveLength(1);
    expect(secrets[0]!.identityKind).toBe("hmac");
    expect(secrets[0]!.imageCount).toBe(2);
    expect(secrets[0]!.occurrences.map((o) => o.image.repository.name).sort()).toEqual(["acme/api", "acme/worker"]);
    expect(findingTypes(secrets[0]!)).toContain("base_inherited");
    expect(secrets[0]!.redactedPreview).toMatch(/^----•+ \(\d+ chars\)$/);
  });

  it("residue and build history land on the image's layer page; the value never reaches the database", async () => {
    const { scan } = await scanAndIngest("ghcr.io/acme/api:1.1", [
      baseLayer,
      { createdBy: "COPY .env /app/.env", files: { "app/.env": `TOKEN=${GH}\n` } },
      { createdBy: "RUN rm /app/.env", whiteouts: ["/app/.env"] },
      { createdBy: "|1 DB_PASSWORD=hunter2hunter2 /bin/sh -c ./migrate", files: { "app/m": "ok" } },
    ]);
    const digest = scan.image.configDigest!;
    const page = await getImage(digest);
    expect(page.stack.map((l) => l.position)).toEqual([0, 1, 2, 3]);
    const residue = page.stack[1]!.findings[0]!;
    expect(residue).toMatchObject({ path: "/app/.env", residue: true, deletedInPosition: 2 });
    expect(page.history.map((h) => h.source)).toEqual(["history"]);
    expect(page.stack[0]!.sharedWith).toMatchObject({ repositories: 1 });
    expect(page.counts).toMatchObject({ residue: 1, history: 1, inherited: 1 });
    const dump = JSON.stringify(
      await t.db.$queryRawUnsafe(
        `SELECT json_agg(x) FROM (SELECT * FROM "Occurrence" o JOIN "ImageLayer" il ON true) x`,
      ),
    );
    expect(dump).not.toContain(GH);
    expect(dump).not.toContain("hunter2hunter2");
  });

  it("the gate fails an image with an unrotated secret, passes once rotation is recorded, and refuses unknown images", async () => {
    const digest = (
      await t.db.image.findFirstOrThrow({
        where: { repository: { name: "acme/api" }, tags: { some: { name: "1.1" } } },
      })
    ).digest;
    const failing = await evaluateGate({ image: "ghcr.io/acme/api:1.1", unknown: "fail" });
    expect(failing.decision).toBe("fail");
    expect(failing.reasons.length).toBe(3);
    expect(failing.reasons.some((r) => /residue/.test(r.message))).toBe(true);
    expect(JSON.stringify(failing)).not.toContain(GH);
    expect((await evaluateGate({ image: digest, unknown: "fail" })).decision).toBe("fail");

    const triager = { kind: "system", label: "test" } as const;
    const ids = failing.reasons.map((r) => r.secretId!);
    await triageSecrets(triager, { ids, change: { state: "confirmed" } });
    for (const s of await t.db.remediationStep.findMany({ where: { secretId: { in: ids }, kind: "rotate" } })) {
      await applyStepEvent(triager, {
        stepId: s.id,
        event: { type: "complete", rotation: { rotatedBy: "ops", rotatedAt: new Date(), how: "vault" } },
      });
    }
    expect(await evaluateGate({ image: "ghcr.io/acme/api:1.1", unknown: "fail" })).toMatchObject({
      decision: "pass",
      reasons: [],
    });

    expect(await evaluateGate({ image: "ghcr.io/acme/never:1", unknown: "fail" })).toMatchObject({
      decision: "fail",
      reasons: [{ code: "unknown_image" }],
    });
    expect((await evaluateGate({ image: "ghcr.io/acme/never:1", unknown: "pass" })).decision).toBe("pass");
  });
});

describe(`one image, two archive formats, on ${testDatabaseKind}`, () => {
  it("an OCI layout tagged 1.1 uploaded with --image is the same image as the docker save of that image", async () => {
    const layers: TestLayer[] = [{ createdBy: "ADD a", files: { "app/.env": `GITHUB_TOKEN=${GH}\n` } }];
    const { dir } = await ociLayout({ tag: "1.1", layers });
    const fromOci = await scanImage(dir);
    const fromDocker = await scanImage(await dockerArchive({ tag: "ghcr.io/acme/same:1.1", layers }));
    expect(fromOci.image.configDigest).toBe(fromDocker.image.configDigest);
    await ingestScan({
      content: Buffer.from(JSON.stringify(toSarif(fromOci))),
      uploader: system,
      image: "ghcr.io/acme/same:1.1",
    });
    await ingestScan({ content: Buffer.from(JSON.stringify(toSarif(fromDocker))), uploader: system });
    const images = await t.db.image.findMany({ where: { repository: { name: "acme/same" } } });
    expect(images.map((i) => ({ digest: i.digest, kind: i.digestKind }))).toEqual([
      { digest: fromDocker.image.configDigest, kind: "config" },
    ]);
  });
});

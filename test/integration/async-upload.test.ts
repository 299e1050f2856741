import os from "node:os";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as statusRoute } from "@/app/api/v1/scans/[id]/route";
import { POST as uploadRoute } from "@/app/api/v1/scans/route";
import { createApiToken } from "@/lib/auth/api-tokens";
import { checkHealth } from "@/lib/health/check-health";
import { startWorker, type RunningWorker } from "@/lib/jobs/worker";
import { openChunk } from "@/lib/uploads/chunks";
import { processUpload } from "@/lib/uploads/process-upload";
import { sweepUploads } from "@/lib/uploads/sweep-uploads";
import { waitForUpload } from "@/lib/uploads/upload-status";
import { setupTestDb, testDatabaseKind, type TestDb } from "@/test/helpers/db";
import { readFixture } from "@/test/helpers/fixtures";
import { rawValuesInFixtures } from "@/test/helpers/raw-values";

// Uploads are queued (202 + a status URL) and ingested by a worker; their bytes wait in the database sealed, and
// leave it once processed. What the worker answers is what a synchronous upload answered.
const system = { kind: "system", label: "test" } as const;
let t: TestDb;
let token: string;
let worker: RunningWorker | undefined;
const ctx = (params: Record<string, string> = {}) => ({ params: Promise.resolve(params) });
const post = (body: BodyInit, query = "") =>
  uploadRoute(
    new NextRequest(`http://localhost/api/v1/scans${query}`, {
      method: "POST",
      body,
      headers: { authorization: `Bearer ${token}` },
    }),
    ctx(),
  );
const status = async (id: string) =>
  (
    await statusRoute(
      new NextRequest(`http://localhost/api/v1/scans/${id}`, { headers: { authorization: `Bearer ${token}` } }),
      ctx({ id }),
    )
  ).json();
const chunks = (id: string) =>
  t.db.$queryRaw<
    { seq: number; data: Uint8Array }[]
  >`SELECT seq, data FROM "UploadChunk" WHERE "uploadId" = ${id} ORDER BY seq`;

beforeAll(async () => {
  t = await setupTestDb(); // no worker yet: the uploads stay queued until one starts
  token = (await createApiToken(system, { name: "ci", scopes: ["scans:write"] })).token;
});
afterAll(async () => {
  await worker?.stop();
  await t.drop();
});

describe(`asynchronous uploads on ${testDatabaseKind}`, () => {
  const gitleaks = readFixture("gitleaks/gitleaks8_many.json");
  const trufflehog = readFixture("trufflehog/v3_git.json");
  let queued: string;
  let refused: string;

  it("answers 202 with the status URL, and keeps the report only sealed until a worker takes it", async () => {
    const res = await post(gitleaks, "?image=ghcr.io/acme/async:1");
    expect(res.status).toBe(202);
    const body = await res.json();
    queued = body.id;
    expect(res.headers.get("location")).toBe(`/api/v1/scans/${queued}`);
    expect(body).toMatchObject({
      processing_status: "pending",
      phase: "queued",
      bytes: gitleaks.length,
      url: `/api/v1/scans/${queued}`,
    });
    const parts = await chunks(queued);
    expect(parts.length).toBeGreaterThan(0);
    const stored = Buffer.concat(parts.map((p) => Buffer.from(p.data))).toString("latin1");
    for (const v of rawValuesInFixtures()) expect(stored.includes(v), "a raw value stored in the clear").toBe(false);
    // Sealed, not lost: the parts open to the report, under this upload's id only.
    expect(Buffer.concat(parts.map((p) => openChunk(queued, p.seq, p.data)))).toEqual(gitleaks);
    expect(() => openChunk("another-upload", 0, parts[0]!.data)).toThrow();

    const bad = await post('{"not":"a report"}');
    expect(bad.status).toBe(202);
    refused = (await bad.json()).id;
    expect((await status(refused)).processing_status).toBe("pending");
  });

  it("a worker completes it with the synchronous answer, and the parts are gone; a refused report fails with its reason", async () => {
    worker = await startWorker();
    const done = await waitForUpload(queued, 30_000);
    expect(done.processing_status).toBe("complete");
    expect(done.result).toMatchObject({ scanId: queued, duplicate: false, counts: { findings: 4, newSecrets: 3 } });
    expect(await status(queued)).toEqual(JSON.parse(JSON.stringify(done)));
    expect(await chunks(queued)).toEqual([]);
    const scan = await t.db.scan.findUniqueOrThrow({ where: { id: queued } });
    expect(scan.status).toBe("completed");

    const health = await checkHealth();
    expect(health.status).toBe("ok");
    expect(health.jobs?.workers).toHaveLength(1);
    expect(health.jobs?.queues.map((q) => q.name)).toContain("ingest-upload");
    expect(JSON.stringify(health)).not.toContain(os.hostname()); // public: no host names

    const failed = await waitForUpload(refused, 30_000);
    expect(failed).toMatchObject({ processing_status: "failed", error: { code: "unsupported_report" } });
    expect(await chunks(refused)).toEqual([]);
  });

  it("waits when asked: 201 with the result, the same error status as before for a refused report", async () => {
    const res = await post(trufflehog, "?image=ghcr.io/acme/async:2&wait=30");
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ duplicate: false, counts: { findings: expect.any(Number) } });
    const bad = await post("[1, 2", "?wait=30");
    expect(bad.status).toBe(400);
    expect((await bad.json()).message).toMatch(/Invalid JSON/);
    const wrongWait = await post(trufflehog, "?wait=3600");
    expect(wrongWait.status).toBe(422);
    expect((await wrongWait.json()).message).toMatch(/^wait:/);
  });

  it("answers a duplicate at once, without queueing", async () => {
    await worker!.stop();
    worker = undefined;
    const before = await t.db.upload.count();
    const res = await post(gitleaks, "?image=ghcr.io/acme/async:1");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ duplicate: true, scanId: queued });
    expect(await t.db.upload.count()).toBe(before);
  });

  it("runs again an upload a worker died on, to the same end; nothing ran twice", async () => {
    const res = await post(readFixture("ggshield/many_findings.json"), "?image=ghcr.io/acme/async:3");
    const id = (await res.json()).id;
    // What a worker killed mid-ingest leaves: the upload running, its transaction never committed.
    await t.db.upload.update({ where: { id }, data: { status: "running", attempts: 1, phase: "write" } });
    expect(await processUpload(id)).toBe("complete");
    const after = await t.db.upload.findUniqueOrThrow({ where: { id } });
    expect(after).toMatchObject({ status: "complete", attempts: 2 });
    expect(await t.db.scan.count({ where: { id } })).toBe(1);
    expect(await processUpload(id)).toBe("gone"); // a late duplicate of the job finds it done
  });

  it("sweeps receipts a replica died in and re-queues uploads whose queueing was lost", async () => {
    const dead = await t.db.upload.create({
      data: { query: {}, uploader: system, createdAt: new Date(Date.now() - 2 * 3600_000) },
    });
    await t.db.uploadChunk.create({ data: { uploadId: dead.id, seq: 0, data: Buffer.from("sealed") } });
    const lost = await t.db.upload.create({
      data: { status: "pending", query: {}, uploader: system, createdAt: new Date(Date.now() - 5 * 60_000) },
    });
    const requeued: string[] = [];
    await sweepUploads(async (id) => void requeued.push(id));
    expect(await t.db.upload.count({ where: { id: dead.id } })).toBe(0);
    expect(await t.db.uploadChunk.count({ where: { uploadId: dead.id } })).toBe(0);
    expect(requeued).toContain(lost.id);
  });
});

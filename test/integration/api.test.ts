import fs from "node:fs";
import os from "node:os";
import zlib from "node:zlib";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as uploadScan } from "@/app/api/v1/scans/route";
import { GET as getSecretRoute } from "@/app/api/v1/secrets/[id]/route";
import { GET as listSecretsRoute } from "@/app/api/v1/secrets/route";
import { createApiToken, revokeApiToken } from "@/lib/auth/api-tokens";
import { fleetImages, residueSarif } from "@/bench/fleet";
import { parseReport } from "@/lib/ingest/parse-report";
import { readDocument } from "@/lib/ingest/read/read-document";

import { ingestScan } from "@/lib/ingest/ingest-scan";
import { waitQuery } from "@/test/helpers/wait-query";
import { setupTestDb, testDatabaseKind, type TestDb } from "@/test/helpers/db";
import { readFixture } from "@/test/helpers/fixtures";
import { rawValuesInFixtures } from "@/test/helpers/raw-values";

const system = { kind: "system", label: "test" } as const;
let t: TestDb;
let upload: string;
let read: string;
const ctx = (params: Record<string, string> = {}) => ({ params: Promise.resolve(params) });
const post = (body: BodyInit, opts: { token?: string; query?: string; headers?: Record<string, string> } = {}) =>
  uploadScan(
    new NextRequest(`http://localhost/api/v1/scans${waitQuery(opts.query)}`, {
      method: "POST",
      body,
      headers: { ...(opts.token !== undefined ? { authorization: `Bearer ${opts.token}` } : {}), ...opts.headers },
      duplex: "half",
    } as ConstructorParameters<typeof NextRequest>[1]),
    ctx(),
  );

beforeAll(async () => {
  t = await setupTestDb({ worker: true });
  upload = (await createApiToken(system, { name: "ci", scopes: ["scans:write"] })).token;
  read = (await createApiToken(system, { name: "reader", scopes: ["read"] })).token;
});
afterAll(async () => t.drop());

describe(`POST /api/v1/scans on ${testDatabaseKind}`, () => {
  it("refuses missing, wrong-scope, revoked and expired tokens", async () => {
    expect((await post("[]")).status).toBe(401);
    expect((await post("[]", { token: "rsd_nope" })).status).toBe(401);
    const forbidden = await post("[]", { token: read });
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({
      code: "forbidden",
      message: expect.stringContaining("scans:write"),
    });
    const revoked = await createApiToken(system, { name: "old", scopes: ["scans:write"] });
    await revokeApiToken(system, revoked.id);
    expect((await post("[]", { token: revoked.token })).status).toBe(401);
    const expired = await createApiToken(system, { name: "exp", scopes: ["scans:write"] });
    await t.db.apiToken.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await post("[]", { token: expired.token })).status).toBe(401);
  });

  it("ingests a raw body, then says duplicate", async () => {
    const body = readFixture("trivy-upstream/secrets.json.golden");
    const res = await post(body, { token: upload, query: "?image=ghcr.io/acme/api:1.4.2" });
    expect(res.status).toBe(201);
    const json = await res.json();
    expect(json).toMatchObject({
      duplicate: false,
      scanner: "trivy",
      image: "ghcr.io/acme/api:1.4.2",
      counts: { findings: 2, newSecrets: 2, skipped: 0 },
    });
    const again = await post(body, { token: upload, query: "?image=ghcr.io/acme/api:1.4.2" });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ duplicate: true, scanId: json.scanId });
  });

  it("accepts gzip and multipart", async () => {
    const gz = await post(zlib.gzipSync(readFixture("gitleaks/gitleaks8_many.json")), {
      token: upload,
      headers: { "content-encoding": "gzip" },
    });
    expect(gz.status).toBe(201);
    const form = new FormData();
    form.set("file", new Blob([readFixture("secretlint/secretlint_many_vuln.json")]), "report.json");
    form.set("image", "docker.io/acme/web:3");
    const mp = await post(form, { token: upload });
    expect(mp.status).toBe(201);
    expect(await mp.json()).toMatchObject({ scanner: "secretlint", image: "acme/web:3", counts: { findings: 4 } });
  });

  it("streams a large SARIF report (over 8 MiB, gzipped on the wire) and leaves no temporary file behind", async () => {
    const img = fleetImages(1, { repositories: 1, bases: 1 })[0]!;
    const text = residueSarif(img, 12_000, { secretPool: 3_000, seed: 9, padding: 400 });
    expect(text.length).toBeGreaterThan(8 * 1024 * 1024);
    const before = fs.readdirSync(os.tmpdir()).filter((d) => d.startsWith("residue-upload-")).length;
    const res = await post(zlib.gzipSync(text), { token: upload, headers: { "content-encoding": "gzip" } });
    expect(res.status).toBe(201);
    const json = await res.json();
    expect(json).toMatchObject({ scanner: "residue", counts: { findings: 12_000, skipped: 0 } });
    expect(json.counts.newSecrets).toBe(
      new Set(parseReport(readDocument(text), { format: "sarif" }).findings.map((f) => f.valueHashes![0]!.hex)).size,
    );
    expect(fs.readdirSync(os.tmpdir()).filter((d) => d.startsWith("residue-upload-")).length).toBe(before);
  });

  it("names the problem for bad input", async () => {
    const cases: [BodyInit, string, number, RegExp][] = [
      ["{ not json", "", 400, /Invalid JSON at line 1/],
      [JSON.stringify({ hello: 1 }), "", 415, /Unrecognised report format/],
      ["[]", "?format=nessus", 422, /format/],
      [JSON.stringify([{ RuleID: 1, File: "x" }]), "?format=gitleaks", 422, /0\.RuleID/],
      ["[]", "?image=NOT%20A%20REF", 400, /Invalid image reference/],
      ["", "", 400, /empty|no body/],
    ];
    for (const [body, query, status, message] of cases) {
      const res = await post(body, { token: upload, query });
      expect(res.status, String(body)).toBe(status);
      expect((await res.json()).message).toMatch(message);
    }
  });

  it("refuses reports over the size limit with 413", async () => {
    process.env.RESIDUE_MAX_UPLOAD_BYTES = "1000";
    try {
      const res = await post(readFixture("sarif/gitleaks_7.5.0.sarif"), { token: upload });
      expect(res.status).toBe(413);
      const bomb = await post(zlib.gzipSync(Buffer.alloc(50_000, 32)), {
        token: upload,
        headers: { "content-encoding": "gzip" },
      });
      expect(bomb.status).toBe(413);
    } finally {
      delete process.env.RESIDUE_MAX_UPLOAD_BYTES;
    }
  });
});

describe("GET /api/v1/secrets", () => {
  it("lists and details secrets without any raw value", async () => {
    await post(readFixture("trufflehog/v3_git.json"), { token: upload, query: "?image=ghcr.io/acme/api:9" });
    const list = await listSecretsRoute(
      new NextRequest("http://localhost/api/v1/secrets?sort=severity&pageSize=100", {
        headers: { authorization: `Bearer ${read}` },
      }),
      ctx(),
    );
    expect(list.status).toBe(200);
    const body = await list.json();
    expect(body.total).toBeGreaterThan(3);
    const detail = await getSecretRoute(
      new NextRequest(`http://localhost/api/v1/secrets/${body.secrets[0].id}`, {
        headers: { authorization: `Bearer ${read}` },
      }),
      ctx({ id: body.secrets[0].id }),
    );
    expect(detail.status).toBe(200);
    const text = JSON.stringify(body) + (await detail.text());
    expect(rawValuesInFixtures().filter((v) => text.includes(v))).toEqual([]);
    const missing = await getSecretRoute(
      new NextRequest("http://localhost/api/v1/secrets/nope", { headers: { authorization: `Bearer ${read}` } }),
      ctx({ id: "nope" }),
    );
    expect(missing.status).toBe(404);
  });
});

describe.runIf(testDatabaseKind === "postgresql")("concurrent uploads", () => {
  it("20 overlapping uploads at once end in the same state as one by one", async () => {
    const base = readFixture("trufflehog/v3_git.json").toString();
    const reports = Array.from({ length: 20 }, (_, i) => ({
      content: Buffer.from(base + "\n".repeat(i + 1)),
      image: `ghcr.io/fleet/svc-${i % 5}:1.${i % 3}`,
    }));
    const snapshot = async () =>
      t.db.$queryRawUnsafe<{ n: bigint }[]>(`
        SELECT count(*) AS n FROM "Secret"
        UNION ALL SELECT count(*) FROM "Occurrence" o JOIN "Repository" r ON r.id = o."repositoryId" WHERE r.name LIKE 'fleet/%'
        UNION ALL SELECT count(*) FROM "Image" i JOIN "Repository" r ON r.id = i."repositoryId" WHERE r.name LIKE 'fleet/%'
        UNION ALL SELECT count(*) FROM "Tag" t JOIN "Repository" r ON r.id = t."repositoryId" WHERE r.name LIKE 'fleet/%'
        UNION ALL SELECT coalesce(sum("occurrenceCount"), 0) FROM "Secret"
        UNION ALL SELECT coalesce(sum("imageCount"), 0) FROM "Secret"`);
    const u = { kind: "system", label: "test" } as const;
    await t.db.$executeRawUnsafe(`TRUNCATE "Registry", "Layer", "Scan", "Secret" CASCADE`);
    const results = await Promise.all(reports.map((r) => ingestScan({ ...r, uploader: u })));
    expect(results.every((r) => !r.duplicate)).toBe(true);
    const concurrent = (await snapshot()).map((r) => Number(r.n));
    await t.db.$executeRawUnsafe(`TRUNCATE "Registry", "Layer", "Scan", "Secret" CASCADE`);
    for (const r of reports) await ingestScan({ ...r, uploader: u });
    const sequential = (await snapshot()).map((r) => Number(r.n));
    expect(concurrent).toEqual(sequential);
    expect(sequential[1]).toBe(3 * 15);
  });
});

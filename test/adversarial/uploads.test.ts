import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { POST as uploadApi } from "@/app/api/v1/scans/route";
import { POST as uploadUi } from "@/app/api/ui/scans/route";
import { handleAuthRequest } from "@/lib/auth/auth-handler";
import { createApiToken } from "@/lib/auth/api-tokens";
import { sweepSpool } from "@/lib/uploads/spool-dir";
import { createFirstAdmin } from "@/lib/users/manage-users";
import { waitQuery } from "@/test/helpers/wait-query";
import { setupTestDb, testDatabaseKind, type TestDb } from "@/test/helpers/db";

// The malformed-body corpus (hardening cases 6, 8, 9, 11): every body form, every bad encoding, bombs, bad
// multipart, long identifiers. Each answer is the exact 4xx with Residue's error shape, in bounded time, with
// nothing written to the database and nothing left in the spool directory.
const LIMIT = 1 << 20;
let t: TestDb;
let token: string;
let cookie: string;
const spool = fs.mkdtempSync(path.join(os.tmpdir(), "residue-adv-spool-"));

beforeAll(async () => {
  process.env.RESIDUE_MAX_UPLOAD_BYTES = String(LIMIT);
  process.env.RESIDUE_SPOOL_DIR = spool;
  t = await setupTestDb({ worker: true });
  token = (await createApiToken({ kind: "system", label: "t" }, { name: "ci", scopes: ["scans:write"] })).token;
  await createFirstAdmin({ name: "Ada", email: "ada@example.com", password: "correct horse battery", role: "admin" });
  const res = await handleAuthRequest(
    new Request("http://localhost/api/auth/sign-in/email", {
      method: "POST",
      headers: { "content-type": "application/json", origin: "http://localhost" },
      body: JSON.stringify({ email: "ada@example.com", password: "correct horse battery" }),
    }),
  );
  cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
});
afterAll(async () => {
  await t.drop();
  fs.rmSync(spool, { recursive: true, force: true });
});

type Case = {
  name: string;
  body: () => BodyInit;
  headers?: Record<string, string>;
  query?: string;
  status: number;
  code: string;
};

const bomb = () => zlib.gzipSync(Buffer.alloc(64 * LIMIT, 0x20)); // 64 MiB of spaces in ~64 KiB
function multipart(
  parts: { name: string; filename?: string; type?: string; body: Buffer | string }[],
  boundary = "residueBoundary42",
) {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ""}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ""}\r\n`,
      ),
    );
    chunks.push(Buffer.isBuffer(p.body) ? p.body : Buffer.from(p.body));
    chunks.push(Buffer.from("\r\n"));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), type: `multipart/form-data; boundary=${boundary}` };
}
const trivy = (layer: Record<string, string>) =>
  JSON.stringify({
    SchemaVersion: 2,
    ArtifactName: "ghcr.io/acme/x:1",
    ArtifactType: "container_image",
    Results: [
      {
        Target: "/app/.env",
        Class: "secret",
        Secrets: [{ RuleID: "github-pat", Severity: "CRITICAL", Match: "GITHUB_TOKEN=****", Layer: layer }],
      },
    ],
  });
const HEX = "a".repeat(64);

const CASES: Case[] = [
  {
    name: "raw gzip bomb",
    body: bomb,
    headers: { "content-encoding": "gzip" },
    status: 413,
    code: "payload_too_large",
  },
  { name: "raw gzip bomb without the header", body: bomb, status: 413, code: "payload_too_large" },
  {
    name: "multipart gzip bomb (gzip part)",
    body: () => multipart([{ name: "file", filename: "r.json.gz", type: "application/gzip", body: bomb() }]).body,
    headers: { "content-type": multipart([]).type },
    status: 413,
    code: "payload_too_large",
  },
  {
    name: "multipart gzip bomb (sniffed)",
    body: () => multipart([{ name: "file", filename: "r.json", body: bomb() }]).body,
    headers: { "content-type": multipart([]).type },
    status: 413,
    code: "payload_too_large",
  },
  {
    name: "multipart, plain part over the limit",
    body: () => multipart([{ name: "file", filename: "r.json", body: Buffer.alloc(LIMIT + 10, 0x20) }]).body,
    headers: { "content-type": multipart([]).type },
    status: 413,
    code: "payload_too_large",
  },
  {
    name: "multipart without a boundary",
    body: () => "--x\r\n\r\n",
    headers: { "content-type": "multipart/form-data" },
    status: 400,
    code: "bad_request",
  },
  {
    name: "multipart without a file part",
    body: () => multipart([{ name: "image", body: "ghcr.io/acme/x:1" }]).body,
    headers: { "content-type": multipart([]).type },
    status: 400,
    code: "bad_request",
  },
  {
    name: "multipart cut short",
    body: () => multipart([{ name: "file", filename: "r.json", body: "[]" }]).body.subarray(0, 60),
    headers: { "content-type": multipart([]).type },
    status: 400,
    code: "bad_request",
  },
  {
    name: "Content-Encoding: br",
    body: () => zlib.brotliCompressSync(Buffer.from("[]")),
    headers: { "content-encoding": "br" },
    status: 415,
    code: "unsupported_encoding",
  },
  {
    name: "Content-Encoding: deflate",
    body: () => zlib.deflateSync(Buffer.from("[]")),
    headers: { "content-encoding": "deflate" },
    status: 415,
    code: "unsupported_encoding",
  },
  {
    name: "Content-Encoding: gzip, gzip",
    body: () => zlib.gzipSync(zlib.gzipSync(Buffer.from("[]"))),
    headers: { "content-encoding": "gzip, gzip" },
    status: 415,
    code: "unsupported_encoding",
  },
  {
    name: "corrupt gzip",
    body: () => Buffer.concat([zlib.gzipSync(Buffer.from("[1,2,3]")).subarray(0, 12), Buffer.from("garbage")]),
    headers: { "content-encoding": "gzip" },
    status: 400,
    code: "bad_request",
  },
  { name: "truncated JSON", body: () => trivy({}).slice(0, 80), status: 400, code: "bad_request" },
  { name: "not UTF-8", body: () => Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0xc3]), status: 400, code: "bad_request" },
  {
    name: "a 5,000-character diffID",
    body: () => trivy({ DiffID: `sha256:${"a".repeat(5000)}` }),
    status: 422,
    code: "unprocessable_entity",
  },
  {
    name: "a 5,000-character layer digest",
    body: () => trivy({ Digest: `sha256:${"b".repeat(5000)}`, DiffID: `sha256:${HEX}` }),
    status: 422,
    code: "unprocessable_entity",
  },
  {
    name: "a diffID that is not hex",
    body: () => trivy({ DiffID: "sha256:../../etc/passwd" }),
    status: 422,
    code: "unprocessable_entity",
  },
  {
    name: "a long CJK path and a long diffID",
    body: () => trivy({ DiffID: `sha256:${"c".repeat(3000)}` }).replace("/app/.env", `/${"秘密".repeat(1500)}`),
    status: 422,
    code: "unprocessable_entity",
  },
  {
    name: "an image parameter with a 5,000-hex digest",
    body: () => "[]",
    query: `?image=ghcr.io/acme/x@sha256:${"d".repeat(5000)}`,
    status: 422,
    code: "unprocessable_entity",
  },
  {
    name: "an image ID of 5,000 characters",
    body: () =>
      JSON.stringify({
        SchemaVersion: 2,
        ArtifactName: "ghcr.io/acme/x:1",
        ArtifactType: "container_image",
        Metadata: { ImageID: `sha256:${"e".repeat(5000)}` },
        Results: [],
      }),
    status: 422,
    code: "unprocessable_entity",
  },
];

const rows = async () =>
  Number(
    (
      await t.db.$queryRawUnsafe<{ n: bigint }[]>(
        // An upload the parsers refused keeps its record (status failed, the reason), never its bytes.
        `SELECT (SELECT count(*) FROM "Scan") + (SELECT count(*) FROM "Secret") + (SELECT count(*) FROM "Image")
              + (SELECT count(*) FROM "UploadChunk") + (SELECT count(*) FROM "Upload" WHERE status <> 'failed') AS n`,
      )
    )[0]!.n,
  );

describe(`malformed bodies on ${testDatabaseKind}`, () => {
  beforeEach(() => {
    expect(fs.readdirSync(spool)).toEqual([]);
  });

  for (const form of ["api", "ui"] as const) {
    it.each(CASES)(`${form}: $name → $status`, async (c) => {
      const before = await rows();
      const started = Date.now();
      const headers = {
        ...(form === "api"
          ? { authorization: `Bearer ${token}` }
          : { cookie, origin: "http://localhost", "sec-fetch-site": "same-origin" }),
        ...c.headers,
      };
      const req = new NextRequest(`http://localhost/api/${form === "api" ? "v1" : "ui"}/scans${waitQuery(c.query)}`, {
        method: "POST",
        body: c.body(),
        headers,
        duplex: "half",
      } as ConstructorParameters<typeof NextRequest>[1]);
      const res = await (form === "api" ? uploadApi : uploadUi)(req, { params: Promise.resolve({}) });
      const body = await res.json();
      expect({ status: res.status, code: body.code }).toEqual({ status: c.status, code: c.code });
      expect(typeof body.message).toBe("string");
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(await rows()).toBe(before);
      expect(fs.readdirSync(spool)).toEqual([]);
    });
  }

  it.each([
    ["Origin: null", { origin: "null" }],
    ["a malformed Origin", { origin: "http://[::1" }],
    ["another site's Origin", { origin: "https://evil.example" }],
    ["Sec-Fetch-Site: cross-site", { "sec-fetch-site": "cross-site", origin: "http://localhost" }],
    ["no Origin and no Sec-Fetch-Site", {}],
  ])("ui: %s → 403", async (_, h) => {
    const req = new NextRequest("http://localhost/api/ui/scans", {
      method: "POST",
      body: "[]",
      headers: { cookie, ...h },
    });
    const res = await uploadUi(req, { params: Promise.resolve({}) });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: "forbidden" });
  });

  it("spool files a killed server left are swept; a live process's are kept", () => {
    const dead = path.join(spool, "999999999-deadbeef");
    const live = path.join(spool, `${process.ppid}-cafe`);
    fs.writeFileSync(dead, "raw values");
    fs.writeFileSync(live, "in use");
    expect(sweepSpool(spool)).toBe(1);
    expect(fs.existsSync(dead)).toBe(false);
    expect(fs.existsSync(live)).toBe(true);
    fs.rmSync(live);
    expect(fs.statSync(spool).mode & 0o777).toBe(0o700);
  });

  it("concurrent uploads of the same report agree on their counts", async () => {
    const report = JSON.stringify([
      { RuleID: "generic-api-key", File: "/app/a.env", StartLine: 1, Secret: "tok_concurrent_duplicate_0001" },
      { RuleID: "generic-api-key", File: "/app/b.env", StartLine: 2, Secret: "tok_concurrent_duplicate_0002" },
    ]);
    const send = () =>
      uploadApi(
        new NextRequest(`http://localhost/api/v1/scans${waitQuery("?image=ghcr.io/acme/dup:1")}`, {
          method: "POST",
          body: report,
          headers: { authorization: `Bearer ${token}` },
        }),
        { params: Promise.resolve({}) },
      );
    const answers = await Promise.all(Array.from({ length: 6 }, send).map(async (p) => (await p).json()));
    expect(answers.filter((a) => !a.duplicate)).toHaveLength(1);
    const dupCounts = answers.filter((a) => a.duplicate).map((a) => a.counts);
    for (const c of dupCounts) expect(c).toEqual({ ...dupCounts[0] });
    expect(dupCounts[0]).toMatchObject({ findings: 2, secrets: 2, alreadyKnown: 2 });
  });
});

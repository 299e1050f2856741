import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attachDatabase, closeDb } from "@/lib/db";
import { applyMigrations } from "@/lib/db/migrate";
import { createApiToken } from "@/lib/auth/api-tokens";
import { ingestScan } from "@/lib/ingest/ingest-scan";
import { createEmptyDatabase, testDatabaseKind } from "@/test/helpers/db";

// Three web replicas and two workers on one PostgreSQL: 20 overlapping uploads spread across the replicas, one
// worker killed (SIGKILL) while both are mid-ingest. The end state must equal uploading the same reports one by one
// in one process. Needs the production build (`npm test` makes it before this part; made here if missing).
const REPORTS = 20;
const WEB_PORTS = [3411, 3412, 3413];
const KEY = "c".repeat(64);

/** gitleaks reports of overlapping slices of one pool of tokens: neighbours share a third of their secrets. */
function report(i: number): { body: string; image: string } {
  const findings = Array.from({ length: 1500 }, (_, k) => {
    const n = (i * 500 + k) % 4000;
    return {
      RuleID: "github-pat",
      Description: "GitHub Personal Access Token",
      File: `/srv/app${n % 50}/config-${k % 7}.env`,
      StartLine: (k % 40) + 1,
      Secret: `ghp_${String(n).padStart(6, "0")}${"x".repeat(30)}`,
    };
  });
  return { body: JSON.stringify(findings), image: `ghcr.io/acme/svc-${i % 7}:${i}` };
}

type Proc = { child: ChildProcess; log: () => string };
function start(args: string[], env: Record<string, string>): Proc {
  const child = spawn(process.execPath, ["--import", "tsx", ...args], {
    env: { ...process.env, ...env, NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own process group: stopped by its pid, whatever it started
  });
  let out = "";
  const keep = (c: unknown) => (out = (out + String(c)).slice(-8000));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  return { child, log: () => out };
}
const stop = (p: Proc, signal: NodeJS.Signals = "SIGTERM") => {
  try {
    process.kill(-p.child.pid!, signal);
  } catch {}
  const exited = p.child.exitCode !== null || p.child.signalCode !== null;
  return exited ? Promise.resolve() : new Promise((r) => p.child.once("exit", r));
};

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 120_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** What the two runs are compared on: every count, and each secret by its identity with its reach. */
async function state(db: Awaited<ReturnType<typeof attachDatabase>>) {
  const count = async (table: string) =>
    Number((await db.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM "${table}"`))[0]!.n);
  const tables = ["Secret", "SecretKey", "Occurrence", "Scan", "Image", "Repository", "Layer", "RemediationStep"];
  return {
    counts: Object.fromEntries(await Promise.all(tables.map(async (t) => [t, await count(t)]))),
    audit: await db.$queryRaw`SELECT action, count(*)::int AS n FROM "AuditEvent" GROUP BY action ORDER BY action`,
    secrets: await db.$queryRaw`
      SELECT s."identityKey", count(o.id)::int AS occurrences, count(DISTINCT o."imageId")::int AS images
      FROM "Secret" s JOIN "Occurrence" o ON o."secretId" = s.id GROUP BY s."identityKey" ORDER BY s."identityKey"`,
  };
}

describe.skipIf(testDatabaseKind !== "postgresql")("3 web replicas and 2 workers on PostgreSQL", () => {
  const procs: Proc[] = [];
  let multi: Awaited<ReturnType<typeof createEmptyDatabase>>;
  let single: Awaited<ReturnType<typeof createEmptyDatabase>>;

  beforeAll(async () => {
    process.env.RESIDUE_SECRET_KEY = KEY;
    if (!fs.existsSync(".next/BUILD_ID")) execFileSync("npm", ["run", "build"], { stdio: "ignore" });
    multi = await createEmptyDatabase();
    single = await createEmptyDatabase();
    await applyMigrations(multi.handle.factory);
    await applyMigrations(single.handle.factory);
  }, 600_000);
  afterAll(async () => {
    await Promise.all(procs.map((p) => stop(p, "SIGKILL")));
    await closeDb().catch(() => undefined);
    await multi?.drop();
    await single?.drop();
  });

  it("ends as one process uploading the reports one by one, though a worker was killed mid-ingest", async () => {
    const reports = Array.from({ length: REPORTS }, (_, i) => report(i));
    const env = {
      DATABASE_URL: multi.url!,
      RESIDUE_SECRET_KEY: KEY,
      RESIDUE_DATA_DIR: fs.mkdtempSync("/tmp/residue-scale-"),
      RESIDUE_INGEST_CONCURRENCY: "1",
      RESIDUE_INGEST_TIMEOUT_SECONDS: "8",
      RESIDUE_JOB_MAINTENANCE_SECONDS: "2",
    };
    const db = await attachDatabase(multi.handle);
    const token = (await createApiToken({ kind: "system", label: "test" }, { name: "ci", scopes: ["scans:write"] }))
      .token;
    for (const port of WEB_PORTS) procs.push(start(["scripts/start.ts", "--web-only"], { ...env, PORT: String(port) }));
    const workers = [start(["scripts/worker.ts"], env), start(["scripts/worker.ts"], env)];
    procs.push(...workers);
    for (const port of WEB_PORTS)
      await until(`replica ${port}`, async () =>
        (await fetch(`http://127.0.0.1:${port}/api/health`)).ok ? true : undefined,
      );
    await until("two workers", async () =>
      (await db.workerHeartbeat.count({ where: { beatAt: { gt: new Date(Date.now() - 10_000) } } })) >= 2
        ? true
        : undefined,
    );

    // Every report at once, round-robin over the replicas, each answered 202 with its status URL.
    const accepted = await Promise.all(
      reports.map(async (r, i) => {
        const port = WEB_PORTS[i % WEB_PORTS.length];
        const res = await fetch(`http://127.0.0.1:${port}/api/v1/scans?image=${encodeURIComponent(r.image)}`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: r.body,
        });
        expect(res.status, await res.clone().text()).toBe(202);
        return { port, location: res.headers.get("location")! };
      }),
    );
    // Both workers busy (one job each): the kill lands in the middle of an ingest.
    await until("two uploads running", async () =>
      (await db.upload.count({ where: { status: "running" } })) >= 2 ? true : undefined,
    );
    await stop(workers[0]!, "SIGKILL");

    const ended = await until(
      "every upload to end",
      async () => {
        const views = await Promise.all(
          accepted.map(async (a) =>
            (
              await fetch(`http://127.0.0.1:${a.port}${a.location}`, { headers: { authorization: `Bearer ${token}` } })
            ).json(),
          ),
        );
        return views.every((v) => v.processing_status === "complete" || v.processing_status === "failed")
          ? views
          : undefined;
      },
      180_000,
    );
    expect(ended.filter((v) => v.processing_status !== "complete")).toEqual([]);
    expect(
      ended.some((v) => v.attempts > 1),
      "the killed worker's upload ran again",
    ).toBe(true);
    expect(await db.uploadChunk.count()).toBe(0);
    const got = await state(db);

    const oneByOne = await attachDatabase(single.handle);
    await createApiToken({ kind: "system", label: "test" }, { name: "ci", scopes: ["scans:write"] }); // audited too
    const uploader = { kind: "system", label: "test" } as const;
    for (const r of reports) await ingestScan({ content: Buffer.from(r.body), image: r.image, uploader });
    const want = await state(oneByOne);
    expect(got).toEqual(want);
  }, 600_000);
});

// npx tsx bench/statement-breakdown.ts [--url postgresql://…] [--reports 300]
// Where a small upload's time goes, statement by statement: 50-finding reports (residue SARIF, trivy, trufflehog
// over shared bases) sent one after another to the upload route with ?wait=30, a worker in this process, on an
// in-memory PGlite (or an empty PostgreSQL database). Prints each statement shape's time and count per upload
// (Prisma's query events; pg-boss's own statements timed at the PGlite client) and the route's p50/p95.
// With `node --cpu-prof --import tsx bench/statement-breakdown.ts` the same run is profiled.
import { parseArgs } from "node:util";
import { NextRequest } from "next/server";
import { POST } from "../app/api/v1/scans/route";
import { createApiToken } from "../lib/auth/api-tokens";
import { closeDb } from "../lib/db";
import { openAdapter } from "../lib/db/adapter";
import { applyMigrations } from "../lib/db/migrate";
import { PrismaClient } from "../lib/generated/prisma/client";
import { startWorker } from "../lib/jobs/worker";
import { fleetImages, mixedReport } from "./fleet";
import { percentile } from "./measure";

const { values } = parseArgs({ options: { url: { type: "string" }, reports: { type: "string", default: "300" } } });
process.env.RESIDUE_SECRET_KEY ??= "b".repeat(64);
const n = Number(values.reports);
const handle = openAdapter(values.url ? { url: values.url } : { pgliteDir: "memory://" });
await applyMigrations(handle.factory);

const stats = new Map<string, { n: number; ms: number }>();
let recording = false;
const note = (sql: string, ms: number) => {
  if (!recording) return;
  const key = sql.replace(/\s+/g, " ").replace(/\$\d+/g, "?").trim().slice(0, 100);
  const e = stats.get(key) ?? { n: 0, ms: 0 };
  e.n++;
  e.ms += ms;
  stats.set(key, e);
};
// The app's client, with query events: installed where getDb() finds it.
const db = new PrismaClient({ adapter: handle.factory, log: [{ emit: "event", level: "query" }] });
db.$on("query", (e) => note(e.query, e.duration));
(globalThis as { __residueDb?: unknown }).__residueDb = { db, handle };
if (handle.pglite) {
  const client = handle.pglite as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  for (const m of ["query", "exec"]) {
    const original = client[m]!.bind(client);
    client[m] = async (sql: unknown, ...rest: unknown[]) => {
      const t = performance.now();
      try {
        return await original(sql, ...rest);
      } finally {
        if (typeof sql === "string" && sql.includes("pgboss")) note(`[pg-boss] ${sql}`, performance.now() - t);
      }
    };
  }
}

const worker = await startWorker();
const token = (await createApiToken({ kind: "system", label: "bench" }, { name: "bench", scopes: ["scans:write"] }))
  .token;
const images = fleetImages(n, { repositories: 30, bases: 8 });
const reports = images.map((img, i) => mixedReport(img, i, 50));
const times: number[] = [];
recording = true;
for (const body of reports) {
  const t = performance.now();
  const res = await POST(
    new NextRequest("http://localhost/api/v1/scans?wait=30", {
      method: "POST",
      body,
      headers: { authorization: `Bearer ${token}` },
    }),
    { params: Promise.resolve({}) },
  );
  if (res.status !== 201) throw new Error(`upload answered ${res.status}: ${await res.text()}`);
  times.push(performance.now() - t);
}
recording = false;
const rows = [...stats].sort((a, b) => b[1].ms - a[1].ms);
const count = rows.reduce((a, [, e]) => a + e.n, 0);
const ms = rows.reduce((a, [, e]) => a + e.ms, 0);
console.log(
  `${handle.kind}, ${n} reports of 50 findings: route p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms; ${(count / n).toFixed(1)} statements and ${(ms / n).toFixed(1)} ms in them per upload`,
);
for (const [sql, e] of rows.slice(0, 30))
  console.log(`${(e.ms / n).toFixed(2).padStart(7)} ms ${(e.n / n).toFixed(2).padStart(5)}×  ${sql}`);
await worker.stop();
await closeDb();

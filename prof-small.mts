// Where a 50-finding upload's time goes: in-process (PGlite in memory), the API route with wait, a worker here.
import { NextRequest } from "next/server";
import { openAdapter } from "./lib/db/adapter";
import { applyMigrations } from "./lib/db/migrate";
import { attachDatabase, closeDb } from "./lib/db";
import { startWorker } from "./lib/jobs/worker";
import { createApiToken } from "./lib/auth/api-tokens";
import { POST } from "./app/api/v1/scans/route";
import { fleetImages, residueSarif, trivyReport, trufflehogLines } from "./bench/fleet";
process.env.RESIDUE_SECRET_KEY ??= "b".repeat(64);
const handle = openAdapter(process.env.PROF_URL ? { url: process.env.PROF_URL } : { pgliteDir: "memory://" });
await applyMigrations(handle.factory);
const db = await attachDatabase(handle);
const worker = await startWorker();
const token = (await createApiToken({ kind: "system", label: "p" }, { name: "p", scopes: ["scans:write"] })).token;
const n = Number(process.env.PROF_N ?? 300);
const images = fleetImages(n, { repositories: 30, bases: 8 });
const reports = images.map((img, i) => i % 3 === 0 ? residueSarif(img, 50, { secretPool: 2000, seed: i }) : i % 3 === 1 ? trivyReport(img, 50, { secretPool: 2000, seed: i }) : trufflehogLines(img, 50, { secretPool: 2000, seed: i }));
const times: number[] = [];
for (const r of reports) {
  const t = performance.now();
  const res = await POST(new NextRequest("http://localhost/api/v1/scans?wait=30", { method: "POST", body: r, headers: { authorization: `Bearer ${token}` } }), { params: Promise.resolve({}) });
  if (res.status !== 201) throw new Error(String(res.status) + (await res.text()));
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
console.log(`p50 ${times[Math.floor(n / 2)]!.toFixed(1)} ms, p95 ${times[Math.floor(n * 0.95)]!.toFixed(1)} ms, mean ${(times.reduce((a, b) => a + b) / n).toFixed(1)}`);
await worker.stop();
await closeDb();

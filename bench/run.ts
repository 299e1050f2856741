// npm run bench [-- --quick] [--db pglite|postgresql|both] [--only ingest|memory|queries|scan|scale] [--no-build (the .next build is current)]
// Ingest through the real HTTP endpoint against its floor, the idempotent path, fleet ingest in three formats,
// server peak RSS during a large upload, page query latency at fleet scale, and scanner throughput. Prints one
// table row per figure and writes bench/results.json. --quick is the CI size: it fails only on crashes.
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { createApiToken } from "../lib/auth/api-tokens";
import { getComplianceSummary } from "../lib/compliance/compliance-summary";
import { getTrends, storeTrendWeeks } from "../lib/compliance/trends";
import { mondayOf, WEEK_MS } from "../lib/compliance/trends/window";
import { getFleetSummary } from "../lib/stats/get-fleet-summary";
import { closeDb, attachDatabase, type Db } from "../lib/db";
import { openAdapter, type AdapterHandle } from "../lib/db/adapter";
import { applyMigrations } from "../lib/db/migrate";
import { getImage } from "../lib/images/get-image";
import { getSecret } from "../lib/secrets/get-secret";
import { getSecretActivity } from "../lib/secrets/get-secret-activity";
import { listSecrets } from "../lib/secrets/list-secrets";
import { listSecretsQuerySchema } from "../lib/secrets/schemas";
import { listSteps } from "../lib/remediation/list-steps";
import { getRemediationMetrics } from "../lib/remediation/metrics";
import { listStepsQuerySchema } from "../lib/remediation/schemas";
import { fleetImages, mixedReport, residueSarif, trufflehogLines, type FleetImage } from "./fleet";
import { latency, percentile, printRow, timed, type Row } from "./measure";
import { openCopier } from "./copy-rows";
import { scannerThroughput } from "./scanner-throughput";
import { seedScale } from "./seed-scale";
import { memoryOf, resetPeak, startServer, startWorkerProcess, type BenchServer } from "./server";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean" },
    db: { type: "string", default: "both" },
    out: { type: "string", default: "bench/results.json" },
    "no-build": { type: "boolean" },
    only: { type: "string" },
  },
});
let build = !values["no-build"]; // once per run
const quick = !!values.quick;
const SIZE = quick
  ? {
      ingestResults: 5_000,
      ingestRuns: 1,
      fleetReports: 30,
      bigUploadMiB: 10,
      scale: { images: 500, occurrencesPerImage: 40, secrets: 2_000, repositories: 50, bases: 10 },
      runs: 5,
      scanMiB: 2,
    }
  : {
      ingestResults: 100_000,
      ingestRuns: 3,
      fleetReports: 300,
      bigUploadMiB: 200,
      scale: { images: 10_000, occurrencesPerImage: 100, secrets: 50_000, repositories: 500, bases: 40 },
      runs: 30,
      scanMiB: 30,
    };
process.env.RESIDUE_SECRET_KEY ??= "b".repeat(64);
const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
const kinds = (values.db === "both" ? ["pglite", "postgresql"] : [values.db!]).filter(
  (k) => k === "pglite" || adminUrl,
);
const rows: Row[] = [];
const row = (r: Row) => {
  rows.push(r);
  printRow(r);
};
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "residue-bench-"));

/** A fresh database of the kind: a PGlite directory, or a new PostgreSQL database on the admin URL. */
async function freshDatabase(
  kind: string,
  name: string,
): Promise<{ env: Record<string, string>; open: () => AdapterHandle; drop: () => Promise<void> }> {
  if (kind === "pglite") {
    const dir = path.join(tmp, name);
    return {
      env: { RESIDUE_DATA_DIR: dir },
      open: () => openAdapter({ pgliteDir: path.join(dir, "pglite") }),
      drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }
  const db = `residue_bench_${name}_${crypto.randomBytes(3).toString("hex")}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(sql);
    await c.end();
  };
  await admin(`CREATE DATABASE ${db}`);
  const url = new URL(adminUrl!);
  url.pathname = `/${db}`;
  return {
    env: { DATABASE_URL: url.toString() },
    open: () => openAdapter({ url: url.toString() }),
    drop: () => admin(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`),
  };
}

async function withDb<T>(open: () => AdapterHandle, fn: (db: Db) => Promise<T>): Promise<T> {
  const handle = open();
  await applyMigrations(handle.factory);
  const db = await attachDatabase(handle);
  try {
    return await fn(db);
  } finally {
    await closeDb();
  }
}

/** POST a report and wait for its ingest (?wait=60, then its status URL): the time an uploader waits for the answer. */
async function post(url: string, token: string, body: string, image?: string) {
  const query = new URLSearchParams({ wait: "60", ...(image ? { image } : {}) });
  let answer = await request(`${url}/api/v1/scans?${query}`, token, Buffer.from(body));
  for (let polls = 0; answer.status === 202; polls++) {
    if (polls > 1200) throw new Error("upload still processing after 10 minutes");
    await new Promise((r) => setTimeout(r, 500));
    const status = await request(`${url}${answer.location}`, token);
    const view = JSON.parse(status.text) as {
      processing_status: string;
      result?: unknown;
      error?: { message: string };
    };
    if (view.processing_status === "failed") throw new Error(`upload failed: ${view.error?.message}`);
    if (view.processing_status === "complete") answer = { status: 201, text: JSON.stringify(view.result) };
  }
  const json = JSON.parse(answer.text) as { duplicate?: boolean; counts?: { findings: number }; message?: string };
  if (answer.status >= 300) throw new Error(`upload failed ${answer.status}: ${json.message}`);
  return json;
}

/** One request on a fresh connection: a pooled keep-alive socket may have been closed by the server meanwhile. */
function request(url: string, token: string, data?: Buffer) {
  return new Promise<{ status: number; text: string; location?: string }>((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: data ? "POST" : "GET",
        agent: false,
        headers: {
          authorization: `Bearer ${token}`,
          ...(data ? { "content-type": "application/json", "content-length": data.length } : {}),
        },
      },
      (res) => {
        let text = "";
        res.on("data", (c) => (text += String(c)));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text, location: res.headers.location }));
      },
    );
    req.on("error", reject);
    req.end(data);
  });
}

// The fields of a generated residue SARIF result the two floors store (bench/fleet.ts residueSarif).
type SarifResult = {
  properties: Record<string, string | { diffId: string }>;
  locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
};
const sarifResults = (text: string) => (JSON.parse(text) as { runs: { results: SarifResult[] }[] }).runs[0]!.results;
const valueOf = (r: SarifResult) => r.properties["residue/valueSha256"] as string;
const layerOf = (r: SarifResult) => (r.properties["residue/layer"] as { diffId: string }).diffId;
const uriOf = (r: SarifResult) => r.locations[0]!.physicalLocation.artifactLocation.uri;
const lineOf = (r: SarifResult) => r.locations[0]!.physicalLocation.region.startLine;

/**
 * The floor with the schema's own costs: JSON.parse of the same file, then one COPY of its rows into Occurrence,
 * with that table's indexes, foreign keys and triggers. Timed without the parents (the image, secrets, layers and
 * paths are created first), so this floor is lower than any full write of the report.
 */
async function occurrenceFloor(kind: string, big: string) {
  const floorDb = await freshDatabase(kind, "floor_occ");
  try {
    const { image, secretId, layerId, pathId } = await withDb(floorDb.open, async (db) => {
      const results = sarifResults(big);
      const image = await db.image.create({
        data: {
          digest: "sha256:floor",
          digestKind: "manifest",
          repository: { create: { name: "floor", registry: { create: { host: "floor.example" } } } },
        },
      });
      // Parents by plain SQL (createMany of 20,000 rows runs its chunks concurrently on one pg client: a warning).
      const values = [...new Set(results.map(valueOf))];
      await db.$executeRaw`INSERT INTO "Secret" (id, "identityKind", "identityKey", detector, "ruleId", "redactedPreview")
        SELECT gen_random_uuid()::text, 'hmac', v, 'floor', 'floor', 'floor' FROM unnest(${values}::text[]) AS v`;
      const layers = [...new Set(results.map(layerOf))];
      await db.$executeRaw`INSERT INTO "Layer" (id, key, "diffId") SELECT gen_random_uuid()::text, k, k FROM unnest(${layers}::text[]) AS k`;
      const paths = [...new Set(results.map(uriOf))];
      await db.$executeRaw`INSERT INTO "Path" (value) SELECT p FROM unnest(${paths}::text[]) AS p`;
      return {
        image,
        secretId: new Map(
          (await db.secret.findMany({ select: { id: true, identityKey: true } })).map((s) => [s.identityKey, s.id]),
        ),
        layerId: new Map((await db.layer.findMany({ select: { id: true, key: true } })).map((l) => [l.key, l.id])),
        pathId: new Map((await db.path.findMany({ select: { id: true, value: true } })).map((p) => [p.value, p.id])),
      };
    });
    return await copyTimed(floorDb.env, big, (results) => [
      "Occurrence",
      ["id", "secretId", "imageId", "repositoryId", "layerKey", "layerId", "path", "pathId", "line", "scanner"],
      results.map((r) => [
        crypto.randomUUID(),
        secretId.get(valueOf(r)),
        image.id,
        image.repositoryId,
        layerOf(r),
        layerId.get(layerOf(r)),
        uriOf(r),
        pathId.get(uriOf(r)),
        lineOf(r),
        "floor",
      ]),
    ]);
  } finally {
    await floorDb.drop();
  }
}

/** Times JSON.parse of the report plus one COPY of the rows `toRows` makes of its results (connection opened untimed). */
async function copyTimed(
  env: Record<string, string>,
  big: string,
  toRows: (results: SarifResult[]) => [string, string[], unknown[][]],
) {
  const copier = await openCopier(env);
  try {
    return await timed(async () => copier.copy(...toRows(sarifResults(big))));
  } finally {
    await copier.close();
  }
}

// The ingest and its floors, each on a fresh database: in turn, `SIZE.ingestRuns` times, and the ratio of medians
// (this VM has measured the same ingest 20-33 s on PGlite).
async function ingestBench(kind: string) {
  const images = fleetImages(SIZE.fleetReports, { repositories: Math.max(5, SIZE.fleetReports / 10), bases: 8 });
  const big = residueSarif(images[0]!, SIZE.ingestResults, { secretPool: 20_000, seed: 1 });
  const ingests: number[] = [];
  const floors: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < SIZE.ingestRuns; i++) {
    ingests.push(await ingestOnce(kind, images, big, i === SIZE.ingestRuns - 1));
    // The target's floor: the same rows into the table they are stored in. The bare one is for reading.
    floors.push((await occurrenceFloor(kind, big)).ms);
    bare.push((await bareFloor(kind, big)).ms);
  }
  const runs = (ms: number[]) => `${ms.length > 1 ? "median of " : ""}${ms.map((m) => m.toFixed(0)).join(", ")} ms`;
  row({
    metric: `ingest ${SIZE.ingestResults.toLocaleString("en")}-result SARIF (HTTP)`,
    db: kind,
    value: median(ingests),
    unit: "ms",
    note: `${(big.length / 1048576).toFixed(1)} MiB; ${runs(ingests)}`,
  });
  row({
    metric: "ingest / floor (JSON.parse + COPY into Occurrence)",
    db: kind,
    value: median(ingests) / median(floors),
    unit: "ratio",
    note: `floor ${runs(floors)}; target ≤ 3×`,
  });
  row({
    metric: "ingest / bare floor (COPY into a 4-column table)",
    db: kind,
    value: median(ingests) / median(bare),
    unit: "ratio",
    note: `floor ${runs(bare)}; no target`,
  });
}

const median = (ms: number[]) => percentile(ms, 50);

/**
 * Sustained uploads on PostgreSQL: the same stream of 50-finding reports (trivy, trufflehog, SARIF over shared bases)
 * from 8 concurrent CI clients, queued (202), into one `npm start` (web + worker in one process), then into 3 web
 * replicas and 2 workers. Uploads per minute until the last completes, and the queue's latency (received to started).
 */
async function scaleOutBench(kind: string) {
  const count = quick ? 40 : 400;
  const images = fleetImages(count, { repositories: Math.max(5, count / 10), bases: 8 });
  const reports = images.map((img, i) => mixedReport(img, i, 50));
  const run = async (label: string, replicas: number, workers: number) => {
    const database = await freshDatabase(kind, "scale");
    const token = await withDb(
      database.open,
      async () =>
        (await createApiToken({ kind: "system", label: "bench" }, { name: "bench", scopes: ["scans:write"] })).token,
    );
    const webOnly = workers > 0;
    // Started inside the try: a process that fails to start must not leave the others running.
    const servers: BenchServer[] = [];
    const workerProcs: { stop: () => Promise<void> }[] = [];
    try {
      for (let i = 0; i < replicas; i++)
        servers.push(await startServer(database.env, 3220 + i, { build, args: webOnly ? ["--web-only"] : [] }));
      build = false;
      for (let i = 0; i < workers; i++) workerProcs.push(await startWorkerProcess(database.env));
      await Promise.all(servers.map((s) => post(s.url, token, reports[0]!))); // warm each replica's route
      const db = await withDb(database.open, async (d) => d.upload.count());
      // Latency with the queue idle: one upload at a time, each answered before the next (received → started).
      const light = Math.min(40, Math.floor(reports.length / 5));
      for (let i = 1; i <= light; i++) await post(servers[i % servers.length]!.url, token, reports[i]!);
      let next = light + 1;
      const startedAt = Date.now();
      // Throughput under load: 8 clients sending without waiting, then until the last upload ends.
      await Promise.all(
        Array.from({ length: 8 }, async (_, client) => {
          for (let i = next++; i < reports.length; i = next++) {
            const server = servers[(i + client) % servers.length]!;
            await request(`${server.url}/api/v1/scans`, token, Buffer.from(reports[i]!));
          }
        }),
      );
      const { latencies, lastEnd } = await withDb(database.open, async (d) => {
        for (;;) {
          const open = await d.upload.count({ where: { status: { in: ["receiving", "pending", "running"] } } });
          if (!open) break;
          await new Promise((r) => setTimeout(r, 50));
        }
        const failed = await d.upload.count({ where: { status: "failed" } });
        if (failed) throw new Error(`${failed} uploads failed`);
        const rows = await d.$queryRaw<{ ms: number; end: Date }[]>`
          SELECT extract(epoch FROM "startedAt" - "createdAt")::float8 * 1000 AS ms, "finishedAt" AS end
          FROM "Upload" ORDER BY "createdAt"`;
        return {
          latencies: rows.slice(db, db + light).map((r) => r.ms),
          lastEnd: Math.max(...rows.map((r) => r.end.getTime())),
        };
      });
      const loaded = reports.length - light - 1;
      const perMinute = (loaded / (lastEnd - startedAt)) * 60_000;
      row({
        metric: `sustained uploads, ${label}`,
        db: kind,
        value: perMinute,
        unit: "uploads/min",
        note: `${loaded} × 50 findings from 8 clients not waiting`,
      });
      row({
        metric: `queue latency p95, ${label}`,
        db: kind,
        value: percentile(latencies, 95),
        unit: "ms",
        note: `received to started, ${light} uploads one at a time`,
      });
      return perMinute;
    } catch (e) {
      console.error(`server output:\n${servers.map((s) => s.log()).join("\n")}`);
      throw e;
    } finally {
      await Promise.all(workerProcs.map((w) => w.stop()));
      await Promise.all(servers.map((s) => s.stop()));
      await database.drop();
    }
  };
  const one = await run("1 process (npm start)", 1, 0);
  const many = await run("3 web replicas + 2 workers", 3, 2);
  row({
    metric: "sustained uploads, 3 replicas + 2 workers / 1 process",
    db: kind,
    value: many / one,
    unit: "ratio",
    note: `${os.cpus().length} cores in all`,
  });
}

/** One timed upload of the report to a server on a fresh database; the last time, the idempotent path and the fleet too. */
async function ingestOnce(kind: string, images: FleetImage[], big: string, last: boolean): Promise<number> {
  const database = await freshDatabase(kind, "ingest");
  const token = await withDb(
    database.open,
    async () =>
      (await createApiToken({ kind: "system", label: "bench" }, { name: "bench", scopes: ["scans:write"] })).token,
  );
  const server = await startServer({ ...database.env, RESIDUE_MAX_UPLOAD_BYTES: String(400 * 1048576) }, 3200, {
    build,
  });
  build = false;
  try {
    // One small upload first: the route's first request loads its code and the database client (about a second),
    // which is start-up, not ingest.
    await post(server.url, token, residueSarif(images[1]!, 10, { secretPool: 10, seed: 99 }));
    const first = await timed(() => post(server.url, token, big));
    if (!last) return first.ms;
    const again = await timed(() => post(server.url, token, big));
    if (!again.value.duplicate) throw new Error("second upload was not a duplicate");
    row({ metric: "ingest the same report again (idempotent)", db: kind, value: again.ms, unit: "ms" });

    const fleet = await timed(async () => {
      for (const [i, img] of images.entries()) {
        await post(server.url, token, mixedReport(img, i, 30));
      }
    });
    row({
      metric: `fleet: ${images.length} reports (SARIF, trivy, trufflehog)`,
      db: kind,
      value: fleet.ms / images.length,
      unit: "ms/report",
    });
    return first.ms;
  } catch (e) {
    console.error(`server output:\n${server.log()}`);
    throw e;
  } finally {
    await server.stop();
    await database.drop();
  }
}

/** JSON.parse of the same file + one COPY of as many rows into a table of four columns with no index. */
async function bareFloor(kind: string, big: string) {
  const floorDb = await freshDatabase(kind, "floor");
  try {
    await withDb(floorDb.open, (db) =>
      db.$executeRawUnsafe(`CREATE TABLE bench_floor (id text, secret text, path text, line int)`),
    );
    return await copyTimed(floorDb.env, big, (results) => [
      "bench_floor",
      ["id", "secret", "path", "line"],
      results.map((r) => [crypto.randomUUID(), valueOf(r), uriOf(r), lineOf(r)]),
    ]);
  } finally {
    await floorDb.drop();
  }
}

// Peak memory of a freshly started server ingesting one large upload (nothing else has grown its heap): the
// target's SARIF, and trufflehog's own JSON lines (the docker scanner's native output).
async function memoryBench(kind: string) {
  const images = fleetImages(SIZE.fleetReports, { repositories: Math.max(5, SIZE.fleetReports / 10), bases: 8 }); // as ingestBench
  const pad = Math.max(0, Math.round((SIZE.bigUploadMiB * 1048576) / 50_000) - 700); // 50,000 results of the target size
  await peakRss(
    kind,
    "SARIF",
    residueSarif(images[1]!, 50_000, { secretPool: 20_000, seed: 2, padding: pad }),
    "target < 512 MiB",
  );
  await peakRss(
    kind,
    "trufflehog JSON-lines",
    trufflehogLines(images[1]!, Math.round((SIZE.bigUploadMiB / 2) * 2300), { secretPool: 20_000, seed: 3 }),
    "no target; read a batch of records at a time",
  );
}

async function peakRss(kind: string, label: string, body: string, note: string) {
  const rssDb = await freshDatabase(kind, "rss");
  const rssToken = await withDb(
    rssDb.open,
    async () =>
      (await createApiToken({ kind: "system", label: "bench" }, { name: "bench", scopes: ["scans:write"] })).token,
  );
  const rssServer = await startServer({ ...rssDb.env, RESIDUE_MAX_UPLOAD_BYTES: String(400 * 1048576) }, 3201, {
    build: false,
  });
  try {
    const pid = rssServer.pid();
    // On PGlite the database lives in the process that serves it to the web server: its memory counts too.
    const host = kind === "pglite" ? rssServer.hostPid : undefined;
    const resettable = resetPeak(pid) && (host === undefined || resetPeak(host));
    const before = memoryOf(pid);
    const up = await timed(() => post(rssServer.url, rssToken, body));
    const after = memoryOf(pid);
    const db = host === undefined ? undefined : memoryOf(host);
    row({
      metric: `server peak RSS, ${(body.length / 1048576).toFixed(0)} MiB ${label} upload`,
      db: kind,
      value: after.peakMiB + (db?.peakMiB ?? 0),
      unit: "MiB",
      note: `${db ? `web ${after.peakMiB.toFixed(0)} + embedded database ${db.peakMiB.toFixed(0)} MiB; ` : ""}idle web server ${before.rssMiB.toFixed(0)} MiB; ingest ${(up.ms / 1000).toFixed(1)} s${resettable ? "" : "; peak since start"}; ${note}`,
    });
  } catch (e) {
    console.error(`server output:\n${rssServer.log()}`);
    throw e;
  } finally {
    await rssServer.stop();
    await rssDb.drop();
  }
}

async function queryBench(kind: string) {
  const database = await freshDatabase(kind, "scale");
  await withDb(database.open, async (db) => {
    const seeded = await timed(() => seedScale(db, SIZE.scale));
    const occ = await db.occurrence.count();
    row({
      metric: `seed ${occ.toLocaleString("en")} occurrences / ${SIZE.scale.images.toLocaleString("en")} images`,
      db: kind,
      value: seeded.ms / 1000,
      unit: "s",
    });
    const q = (p: Record<string, string>) => listSecretsQuerySchema.parse(p);
    const top = await db.secret.findFirstOrThrow({
      orderBy: { imageCount: "desc" },
      select: { id: true, imageCount: true },
    });
    const img = await db.image.findFirstOrThrow({
      where: { id: `img${Math.floor(SIZE.scale.images / 2)}` },
      select: { digest: true },
    });
    const trendsNow = () => ({ asOf: new Date(), weeks: 12, groupBy: "repository" as const });
    const lastEnded = () => mondayOf(new Date()) - WEEK_MS;
    // [name, query, note, runs (fewer for the multi-second ones)]
    const pages: [string, () => Promise<unknown>, string?, number?][] = [
      ["secrets table: default view", () => listSecrets(q({}))],
      [
        "secrets table: open critical, by images",
        () => listSecrets(q({ state: "open,confirmed", severity: "critical", sort: "images" })),
      ],
      [
        "secrets table: one registry + repository",
        () => listSecrets(q({ registry: "docker.io", repository: "bench/svc-4" })),
      ],
      ["secrets table: residue + text search", () => listSecrets(q({ residue: "1", q: "module-3" }))],
      [
        "secret page (blast radius, activity)",
        () => Promise.all([getSecret({ secretId: top.id }), getSecretActivity(top.id)]),
        `${top.imageCount} images`,
      ],
      ["image layer page", () => getImage(img.digest)],
      [
        "remediation board (steps, metrics cold)",
        () =>
          Promise.all([
            listSteps(listStepsQuerySchema.parse({}), new Date()),
            getRemediationMetrics({ asOf: new Date() }, { fresh: true }),
          ]),
      ],
      ["home page (fleet counts)", () => getFleetSummary()],
      ["compliance summary (cold, uncached)", () => getComplianceSummary(new Date(), {}, { fresh: true })],
      // By repository. Rebuilt from history: the first view, and the first after a week ends (timed with dropping the 11 stored weeks).
      [
        "compliance trends (12 weeks), rebuilt from history",
        () => db.trendWeek.deleteMany().then(() => getTrends(trendsNow(), { fresh: true })),
        undefined,
        8,
      ],
      // Storing ended weeks is the scheduled job's (reads never write): timed here as the job runs it.
      ["compliance trends (12 weeks), stored by the scheduled job", () => storeTrendWeeks(trendsNow()), undefined, 1],
      // The first view after a week ends, nothing written since (the seed writes nothing after it): that week from
      // the rollups, the others as stored; the scheduled job also runs as a week ends, which is this case.
      [
        "compliance trends (12 weeks), the week just ended",
        () =>
          db.trendWeek
            .deleteMany({ where: { week: new Date(lastEnded()) } })
            .then(() => getTrends(trendsNow(), { fresh: true })),
        "nothing written since it ended",
        5,
      ],
      // The same once something was written after the week ended and before the job stored it: that week from the
      // audit trail and the occurrences.
      [
        "compliance trends (12 weeks), the week just ended, written to since",
        () =>
          db.auditEvent
            .create({ data: { actorLabel: "bench", action: "bench.written", entityType: "Bench", entityId: "w" } })
            .then(() => db.trendWeek.deleteMany({ where: { week: new Date(lastEnded()) } }))
            .then(() => getTrends(trendsNow(), { fresh: true })),
        "before the job stored it",
        3,
      ],
      [
        "compliance trends (12 weeks), stored again by the scheduled job",
        () => storeTrendWeeks(trendsNow()),
        undefined,
        1,
      ],
      // Every other recomputation: 11 ended weeks as stored, the current week from the current state.
      [
        "compliance trends (12 weeks), ended weeks stored",
        () => getTrends(trendsNow(), { fresh: true }),
        undefined,
        10,
      ],
      ["compliance summary (dashboard, cached until data changes)", () => getComplianceSummary(new Date())],
    ];
    for (const [name, fn, note, runs] of pages) {
      const l = await latency(fn, Math.min(runs ?? SIZE.runs, SIZE.runs));
      row({ metric: `${name} p50`, db: kind, value: l.p50, unit: "ms", note });
      row({ metric: `${name} p95`, db: kind, value: l.p95, unit: "ms", note: "target < 300 ms" });
    }
    // Trends as the compliance page serves them right after the data changed: as last computed, while one
    // recomputation runs (awaited, untimed, before the next change).
    const trends = () => getTrends(trendsNow());
    await trends();
    const served: number[] = [];
    for (let i = 0; i < Math.min(3, SIZE.runs); i++) {
      await db.auditEvent.create({
        data: { actorLabel: "bench", action: "bench.data_changed", entityType: "Bench", entityId: String(i) },
      });
      const t = await timed(trends);
      if (!t.value.refreshing) throw new Error("trends after a change were not served as last computed");
      served.push(t.ms);
      while ((await trends()).refreshing) await new Promise((r) => setTimeout(r, 200));
    }
    row({
      metric: "compliance trends after a change (last computed) max",
      db: kind,
      value: Math.max(...served),
      unit: "ms",
      note: `${served.length} runs; recomputed in the background`,
    });
  });
  await database.drop();
}

console.log(
  `Residue benchmark (${quick ? "quick" : "full"}) on ${os.cpus().length}× ${os.cpus()[0]?.model ?? "cpu"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; databases: ${kinds.join(", ")}${adminUrl ? "" : " (set BENCH_DATABASE_URL or TEST_DATABASE_URL for PostgreSQL)"}`,
);
console.log(`| ${"metric".padEnd(58)} | ${"db".padEnd(10)} | ${"value".padStart(14)} | note`);
// --only: one part, to compare a change without the whole run.
const part = (name: string) => !values.only || values.only === name;
// Queries first: they run in this process (PGlite in its memory), and the ingest runs leave it a larger heap (their
// reports, floors and embedded databases), which made every query 20-90 % slower in a full run.
for (const kind of kinds) if (part("queries")) await queryBench(kind);
for (const kind of kinds) {
  if (part("ingest")) await ingestBench(kind);
  if (kind === "postgresql" && (part("ingest") || part("scale"))) await scaleOutBench(kind);
  if (part("ingest") || part("memory")) await memoryBench(kind);
}
if (part("scan")) {
  const scan = await scannerThroughput(SIZE.scanMiB);
  row({
    metric: `residue scan throughput (${scan.mib.toFixed(0)} MiB of layers)`,
    db: "-",
    value: scan.scanMiBps,
    unit: "MiB/s",
    note: `floor ${scan.floorMiBps.toFixed(0)} MiB/s (read + gunzip + untar)`,
  });
  row({ metric: "residue scan / floor", db: "-", value: scan.ratio, unit: "ratio" });
}
fs.mkdirSync(path.dirname(values.out!), { recursive: true });
fs.writeFileSync(
  values.out!,
  JSON.stringify(
    {
      at: new Date().toISOString(),
      quick,
      machine: {
        cpus: os.cpus().length,
        model: os.cpus()[0]?.model,
        memGiB: Math.round(os.totalmem() / 2 ** 30),
        node: process.version,
      },
      rows,
    },
    null,
    2,
  ),
);
fs.rmSync(tmp, { recursive: true, force: true });
console.log(`wrote ${values.out}`);
console.log(`benchmark ran to the end: 1 passed (${rows.length} figures; timings are for reading, not asserted)`);

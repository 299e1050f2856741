// npm start: the embedded database served to every process (unless DATABASE_URL names a server), then the web
// server, which works the job queue too. `npm run web` (RESIDUE_WORKER=off) starts a web replica that only serves;
// `npm run worker` a worker alone (scripts/worker.ts). Both take DATABASE_URL, or use the embedded database that
// a running `npm start` serves.
import { spawn } from "node:child_process";
import fs from "node:fs";
import { embeddedDataDir, openAdapter } from "../lib/db/adapter";
import { databaseUrl } from "../lib/db/config";
import { servedBy } from "../lib/db/embedded/claim";
import { serveEmbedded, type EmbeddedServer } from "../lib/db/embedded/serve";
import { applyMigrations } from "../lib/db/migrate";
import { ensureServerKey } from "../lib/keys/server-key";
import { sweepSpool } from "../lib/uploads/spool-dir";

if (!fs.existsSync(".next/BUILD_ID")) {
  console.error("No production build found: run `npm run setup` (or `npm run build`) first.");
  process.exit(1);
}
ensureServerKey();
// Spool files a killed process left behind (they hold uploaded reports, raw values included).
const swept = sweepSpool();
if (swept) console.log(`Removed ${swept} leftover upload spool file(s).`);

let embedded: EmbeddedServer | undefined;
try {
  if (databaseUrl()) {
    const handle = openAdapter();
    try {
      const { applied } = await applyMigrations(handle.factory);
      if (applied.length) console.log(`Applied migrations: ${applied.join(", ")}`);
    } finally {
      await handle.close();
    }
  } else if (!servedBy(embeddedDataDir())) {
    // This process holds the embedded database for the server and every other process (web replicas, workers, CLIs).
    embedded = await serveEmbedded(embeddedDataDir());
    if (embedded.applied.length) console.log(`Applied migrations: ${embedded.applied.join(", ")}`);
  }
} catch (e) {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
}

const port = process.env.PORT ?? "3000";
const webOnly = process.argv.includes("--web-only");
// V8 grows the heap by up to 4× between full collections; a large upload's garbage (the JSON batches it writes)
// then stays resident. Growing by 20 % kept the peak of a 200 MB upload ~100 MB lower at no measurable ingest cost.
// scripts/serve.mjs is Next's handler behind node:http, which passes the TCP peer address to the app.
const child = spawn(process.execPath, ["--heap-growing-percent=20", "scripts/serve.mjs"], {
  stdio: "inherit",
  env: {
    ...process.env,
    PORT: port,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    ...(webOnly ? { RESIDUE_WORKER: "off" } : {}),
  },
});
let stopping = false;
const stop = async (code: number) => {
  if (stopping) return;
  stopping = true;
  if (child.exitCode === null) {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
  }
  await embedded?.stop();
  process.exit(code);
};
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => void stop(0));
child.on("exit", (code) => void stop(code ?? 0));

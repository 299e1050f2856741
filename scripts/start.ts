// npm start: apply migrations, make sure the server key exists, then serve the production build.
import { spawn } from "node:child_process";
import fs from "node:fs";
import { openAdapter } from "../lib/db/adapter";
import { applyMigrations } from "../lib/db/migrate";
import { sweepSpool } from "../lib/api/upload/spool-dir";
import { ensureServerKey } from "../lib/keys/server-key";

if (!fs.existsSync(".next/BUILD_ID")) {
  console.error("No production build found: run `npm run setup` (or `npm run build`) first.");
  process.exit(1);
}
ensureServerKey();
// Spool files a killed server left behind (they hold uploaded reports, raw values included).
const swept = sweepSpool();
if (swept) console.log(`Removed ${swept} leftover upload spool file(s).`);
const handle = openAdapter();
try {
  const { applied } = await applyMigrations(handle.factory);
  if (applied.length) console.log(`Applied migrations: ${applied.join(", ")}`);
} finally {
  // PGlite allows one process per data directory: release it before the server opens it.
  await handle.close();
}
const port = process.env.PORT ?? "3000";
// V8 grows the heap by up to 4× between full collections; a large upload's garbage (the JSON batches it writes)
// then stays resident. Growing by 20 % kept the peak of a 200 MB upload ~100 MB lower at no measurable ingest cost.
// scripts/serve.mjs is Next's handler behind node:http, which passes the TCP peer address to the app.
const child = spawn(process.execPath, ["--heap-growing-percent=20", "scripts/serve.mjs"], {
  stdio: "inherit",
  env: { ...process.env, PORT: port, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
});
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => child.kill(sig));
child.on("exit", (code) => process.exit(code ?? 0));

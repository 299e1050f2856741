// npm run worker: a worker alone (the job queue of lib/jobs), on DATABASE_URL or on the embedded database a running
// `npm start` serves (with none running, it opens the data directory itself). Stops cleanly on SIGINT/SIGTERM: the
// job in hand finishes first.
import { closeDb } from "../lib/db";
import { startWorker } from "../lib/jobs/worker";
import { ensureServerKey } from "../lib/keys/server-key";
import { sweepSpool } from "../lib/uploads/spool-dir";
import { openCliDatabase } from "./cli-database";

ensureServerKey();
// Spool files a killed worker left behind (restored uploads, raw values included).
const swept = sweepSpool();
if (swept) console.log(`Removed ${swept} leftover upload spool file(s).`);
await openCliDatabase();
const worker = await startWorker();
console.log(`Residue worker ${worker.id} started.`);
let stopping = false;
for (const sig of ["SIGINT", "SIGTERM"] as const)
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    void worker
      .stop()
      .then(() => closeDb())
      .finally(() => process.exit(0));
  });

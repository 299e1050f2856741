import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { dataDir } from "../db/config";
import { processAlive } from "../process-alive";

/**
 * Where uploads are spooled while they are ingested: a private directory (0700) under the data directory, never
 * the shared /tmp, because a spooled report holds the scanner's raw values. Each spool file is named for the
 * process that owns it, so a later start can remove what a killed process (kill -9, OOM) left behind.
 */
export function spoolDir(): string {
  const dir = path.resolve(/*turbopackIgnore: true*/ process.env.RESIDUE_SPOOL_DIR ?? path.join(dataDir(), "spool"));
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  return dir;
}

const owned = new Set<string>();
let exitHook = false;

/** A new, empty spool file (0600) owned by this process; `remove` deletes it and is safe to call twice. */
export function createSpoolFile(): { file: string; remove: () => void } {
  const dir = spoolDir();
  sweepOnce(dir);
  const file = path.join(dir, `${process.pid}-${crypto.randomBytes(12).toString("hex")}`);
  fs.closeSync(fs.openSync(file, "wx", 0o600));
  owned.add(file);
  if (!exitHook) {
    exitHook = true;
    // A normal exit (and SIGTERM through Next's own handler) removes what is still being ingested.
    process.once("exit", () => owned.forEach((f) => fs.rmSync(f, { force: true })));
  }
  return {
    file,
    remove: () => {
      owned.delete(file);
      fs.rmSync(file, { force: true });
    },
  };
}

const swept = new Set<string>();
function sweepOnce(dir: string) {
  if (swept.has(dir)) return;
  swept.add(dir);
  sweepSpool(dir);
}

/** Removes spool files whose owning process is gone. Returns how many were removed. */
export function sweepSpool(dir = spoolDir()): number {
  let removed = 0;
  for (const name of fs.readdirSync(dir)) {
    const pid = Number(/^(\d+)-/.exec(name)?.[1]);
    if (pid && pid !== process.pid && processAlive(pid)) continue;
    if (pid === process.pid && owned.has(path.join(dir, name))) continue;
    fs.rmSync(path.join(dir, name), { recursive: true, force: true });
    removed++;
  }
  return removed;
}

import fs from "node:fs";
import path from "node:path";
import { processAlive } from "../../process-alive";

// PGlite allows one process per data directory, and nothing in PGlite stops a second one from opening it (both
// then write the same files). So whichever process opens it directly first records itself in `<dir>.run/owner`:
// `npm start` (which then serves it on a socket in that folder) or a CLI run while no server is up.

/** The folder beside a data directory that holds its owner record and, while it is served, its socket. */
export const runDirOf = (pgliteDir: string) => `${path.resolve(pgliteDir)}.run`;
/** node-postgres takes a folder as its host and connects to `<folder>/.s.PGSQL.<port>`. */
export const SOCKET_PORT = 5432;
export const socketPathOf = (pgliteDir: string) => path.join(runDirOf(pgliteDir), `.s.PGSQL.${SOCKET_PORT}`);
const ownerFileOf = (pgliteDir: string) => path.join(runDirOf(pgliteDir), "owner");

type Owner = { pid: number; serving: boolean };

export type Claim =
  | { kind: "owned"; markServing(): void; release(): void }
  /** Another process serves the directory: connect to its socket. */
  | { kind: "served"; socketDir: string; pid: number };

export class DataDirBusyError extends Error {}

function readOwner(file: string): Owner | undefined {
  try {
    const o = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<Owner>;
    return Number.isInteger(o.pid) ? { pid: o.pid!, serving: o.serving === true } : undefined;
  } catch {
    return undefined; // gone in between, or half written by a process that died: treated as stale
  }
}

/** The live process that serves a data directory on its socket, if one does. */
export function servedBy(pgliteDir: string): number | undefined {
  const owner = readOwner(ownerFileOf(pgliteDir));
  return owner?.serving && processAlive(owner.pid) && fs.existsSync(socketPathOf(pgliteDir)) ? owner.pid : undefined;
}

/**
 * Takes a data directory for this process, or says who serves it. Throws DataDirBusyError when another live
 * process has it open without serving it (a CLI mid-run, or a server still starting).
 */
export function claimDataDir(pgliteDir: string): Claim {
  const runDir = runDirOf(pgliteDir);
  fs.mkdirSync(runDir, { recursive: true, mode: 0o700 });
  const file = ownerFileOf(pgliteDir);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify({ pid: process.pid, serving: false }), { flag: "wx", mode: 0o600 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const server = servedBy(pgliteDir);
      if (server !== undefined) return { kind: "served", socketDir: runDir, pid: server };
      const owner = readOwner(file);
      if (owner && owner.pid !== process.pid && processAlive(owner.pid))
        throw new DataDirBusyError(
          `The embedded database in ${pgliteDir} is open in process ${owner.pid}; wait for it to finish, or run the command again once the server has started.`,
        );
      // Left by a process that died (or by this one, earlier): take it over.
      fs.rmSync(file, { force: true });
      fs.rmSync(socketPathOf(pgliteDir), { force: true });
      continue;
    }
    return {
      kind: "owned",
      markServing: () => fs.writeFileSync(file, JSON.stringify({ pid: process.pid, serving: true }), { mode: 0o600 }),
      release: () => {
        if (readOwner(file)?.pid === process.pid) fs.rmSync(file, { force: true });
      },
    };
  }
  throw new DataDirBusyError(`Could not take the embedded database in ${pgliteDir}: its owner record keeps changing.`);
}

import fs from "node:fs";
import net from "node:net";
import { PGLiteSocketHandler } from "@electric-sql/pglite-socket";
import { openPGlite, pgliteHandle } from "../adapter";
import { applyMigrations } from "../migrate";
import { claimDataDir, DataDirBusyError, runDirOf, socketPathOf } from "./claim";
import { UnitQueue } from "./unit-queue";

export type EmbeddedServer = { socketDir: string; applied: string[]; stop: () => Promise<void> };

/**
 * Opens the embedded data directory, applies the committed migrations, and serves it to other processes (the web
 * server, workers, CLIs) over PostgreSQL's protocol on a Unix socket only this user can open (mode 0600 in a 0700
 * folder): the embedded database has no passwords, so its reach is the file system's.
 */
export async function serveEmbedded(pgliteDir: string): Promise<EmbeddedServer> {
  const claim = claimDataDir(pgliteDir);
  if (claim.kind === "served")
    throw new DataDirBusyError(`The embedded database in ${pgliteDir} is already served by process ${claim.pid}.`);
  const db = openPGlite(pgliteDir);
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  try {
    await db.waitReady;
    const { applied } = await applyMigrations(pgliteHandle(db).factory);
    const queue = new UnitQueue(db);
    server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      // The handler's queue type is a class with private fields; UnitQueue has its public surface.
      const handler = new PGLiteSocketHandler({
        queryQueue: queue as unknown as ConstructorParameters<typeof PGLiteSocketHandler>[0]["queryQueue"],
        closeOnDetach: true,
      });
      handler.attach(socket).catch(() => socket.destroy());
    });
    const socketPath = socketPathOf(pgliteDir);
    fs.rmSync(socketPath, { force: true });
    await new Promise<void>((resolve, reject) => {
      server!.once("error", reject);
      server!.listen(socketPath, () => resolve());
    });
    fs.chmodSync(socketPath, 0o600);
    claim.markServing();
    const listening = server;
    return {
      socketDir: runDirOf(pgliteDir),
      applied,
      stop: async () => {
        claim.release();
        await new Promise<void>((resolve) => {
          listening.close(() => resolve());
          for (const s of sockets) s.destroy();
        });
        fs.rmSync(socketPath, { force: true });
        await db.close();
      },
    };
  } catch (e) {
    server?.close();
    await db.close().catch(() => undefined);
    claim.release();
    throw e;
  }
}

import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openAdapter } from "@/lib/db/adapter";
import { DataDirBusyError, runDirOf, servedBy, socketPathOf } from "@/lib/db/embedded/claim";
import { serveEmbedded, type EmbeddedServer } from "@/lib/db/embedded/serve";
import { testDatabaseKind } from "@/test/helpers/db";

// The embedded database served to other processes (`npm start`): many clients on one PGlite session must each see
// exactly their own results and transactions, and a client that dies mid-way must leave nothing behind.
const root = fs.mkdtempSync(path.join(os.tmpdir(), "residue-emb-"));
const dir = path.join(root, "pglite");
let server: EmbeddedServer;
const clientConfig = () => ({ host: runDirOf(dir), port: 5432, user: "postgres", database: "postgres" });

describe.skipIf(testDatabaseKind !== "pglite")("the embedded database served on a socket", () => {
  beforeAll(async () => {
    server = await serveEmbedded(dir);
    const c = new pg.Client(clientConfig());
    await c.connect();
    await c.query("CREATE TABLE probe (id int PRIMARY KEY, client int NOT NULL, v text NOT NULL)");
    await c.end();
  });
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("is reachable only by this user: a 0600 socket in a 0700 folder, and the owner record names the server", () => {
    expect(fs.statSync(runDirOf(dir)).mode & 0o777).toBe(0o700);
    expect(fs.statSync(socketPathOf(dir)).mode & 0o777).toBe(0o600);
    expect(servedBy(dir)).toBe(process.pid);
  });

  it("gives every concurrent client its own answers and transactions (random interleavings)", async () => {
    const pools = Array.from({ length: 4 }, () => new pg.Pool({ ...clientConfig(), max: 3 }));
    let nextId = 1;
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.record({
              client: fc.nat(3),
              kind: fc.constantFrom("select", "commit", "rollback", "fail"),
              n: fc.nat(1e6),
            }),
            { minLength: 10, maxLength: 60 },
          ),
          async (ops) => {
            await pools[0]!.query("DELETE FROM probe");
            const committed = new Set<number>();
            await Promise.all(
              ops.map(async (op) => {
                const pool = pools[op.client]!;
                const id = nextId++;
                if (op.kind === "select") {
                  const r = await pool.query("SELECT $1::int AS n, $2::text AS who", [op.n, `client-${op.client}`]);
                  expect(r.rows).toEqual([{ n: op.n, who: `client-${op.client}` }]);
                  return;
                }
                const c = await pool.connect();
                try {
                  await c.query("BEGIN");
                  await c.query("INSERT INTO probe VALUES ($1, $2, $3)", [id, op.client, String(op.n)]);
                  const mine = await c.query("SELECT count(*)::int AS n FROM probe WHERE id = $1", [id]);
                  expect(mine.rows[0].n).toBe(1);
                  if (op.kind === "fail") await c.query("SELECT 1 / 0").catch(() => undefined);
                  if (op.kind === "commit") {
                    await c.query("COMMIT");
                    committed.add(id);
                  } else await c.query("ROLLBACK");
                } finally {
                  c.release();
                }
              }),
            );
            const rows = await pools[1]!.query("SELECT id FROM probe ORDER BY id");
            expect(rows.rows.map((r) => r.id)).toEqual([...committed].sort((a, b) => a - b));
          },
        ),
        { numRuns: 15 },
      );
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it("rolls back what a client that died left open: a transaction, or an exchange cut before its Sync", async () => {
    const c = new pg.Client(clientConfig());
    c.on("error", () => undefined);
    await c.connect();
    await c.query("BEGIN");
    await c.query("INSERT INTO probe VALUES (900001, 9, 'in a transaction')");
    (c as unknown as { connection: { stream: net.Socket } }).connection.stream.destroy();

    // By hand: startup, then Parse/Bind/Execute of an INSERT with no Sync, then the connection dropped.
    const raw = net.connect(socketPathOf(dir));
    await new Promise((r) => raw.once("connect", r));
    const startup = Buffer.concat([Buffer.from("user\0postgres\0database\0postgres\0\0")]);
    const head = Buffer.alloc(8);
    head.writeInt32BE(8 + startup.length, 0);
    head.writeInt32BE(196608, 4);
    raw.write(Buffer.concat([head, startup]));
    await new Promise((r) => raw.once("data", r));
    const msg = (type: string, body: Buffer) => {
      const b = Buffer.alloc(5);
      b.write(type, 0, "latin1");
      b.writeInt32BE(4 + body.length, 1);
      return Buffer.concat([b, body]);
    };
    const sql = Buffer.from("INSERT INTO probe VALUES (900002, 9, 'no sync')\0");
    raw.write(
      Buffer.concat([
        msg("P", Buffer.concat([Buffer.from("\0"), sql, Buffer.from([0, 0])])),
        msg("B", Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0])),
        msg("E", Buffer.from([0, 0, 0, 0, 0])),
      ]),
    );
    await new Promise((r) => setTimeout(r, 100));
    raw.destroy();
    await new Promise((r) => setTimeout(r, 200));

    const check = new pg.Client(clientConfig());
    await check.connect();
    const left = await check.query("SELECT id FROM probe WHERE id > 900000");
    await check.query("INSERT INTO probe VALUES (900003, 9, 'after')");
    await check.end();
    expect(left.rows).toEqual([]);
  });

  it("is what openAdapter connects to while served; a second server is refused; alone again, it is opened directly", async () => {
    const handle = openAdapter({ pgliteDir: dir });
    expect(handle.kind).toBe("pglite");
    expect(handle.pg?.host).toBe(runDirOf(dir));
    expect(handle.pglite).toBeUndefined();
    await handle.close();
    await expect(serveEmbedded(dir)).rejects.toBeInstanceOf(DataDirBusyError);
  });

  it("serves the command-line tools while it runs; with no server, a tool opens a fresh directory and migrates it", async () => {
    const cli = (dataDir: string, script: string, args: string[]) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
          env: { ...process.env, RESIDUE_DATA_DIR: dataDir, RESIDUE_USER_PASSWORD: "a-long-enough-password-1" },
          stdio: ["ignore", "pipe", "pipe"],
        });
        let out = "";
        child.stdout.on("data", (c) => (out += String(c)));
        child.stderr.on("data", (c) => (out += String(c)));
        child.on("exit", (code) => resolve({ code, out }));
      });
    const served = await cli(root, "scripts/token-create.ts", ["--name", "while-served"]);
    expect(served.code, served.out).toBe(0);
    const c = new pg.Client(clientConfig());
    await c.connect();
    const tokens = await c.query(`SELECT name FROM "ApiToken" WHERE name = 'while-served'`);
    await c.end();
    expect(tokens.rows).toHaveLength(1);

    const fresh = fs.mkdtempSync(path.join(os.tmpdir(), "residue-cli-"));
    try {
      const alone = await cli(fresh, "scripts/user-create.ts", ["--email", "ada@example.com", "--role", "admin"]);
      expect(alone.code, alone.out).toBe(0);
      expect(alone.out).toContain("Created ada@example.com");
      expect(fs.existsSync(path.join(runDirOf(path.join(fresh, "pglite")), "owner"))).toBe(false); // released
    } finally {
      fs.rmSync(fresh, { recursive: true, force: true });
    }
  }, 120_000);

  it("takes over an owner record a dead process left", async () => {
    const other = path.join(root, "stale", "pglite");
    fs.mkdirSync(runDirOf(other), { recursive: true });
    fs.writeFileSync(path.join(runDirOf(other), "owner"), JSON.stringify({ pid: 999_999_999, serving: true }));
    fs.writeFileSync(socketPathOf(other), "");
    const handle = openAdapter({ pgliteDir: other });
    expect(handle.pglite).toBeDefined(); // opened here: nobody serves it
    await handle.close();
    expect(fs.existsSync(socketPathOf(other))).toBe(false);
  });
});

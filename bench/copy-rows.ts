// COPY for the ingest floors: the bulk insert the benchmark's floor is defined by, on a raw connection of either
// database (Prisma has no COPY).
import path from "node:path";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { openPGlite } from "../lib/db/adapter";

export type Copier = {
  copy: (table: string, columns: string[], rows: unknown[][]) => Promise<void>;
  close: () => Promise<void>;
};

/** A raw connection to the database a bench server would use for `env` (RESIDUE_DATA_DIR or DATABASE_URL). */
export async function openCopier(env: Record<string, string>): Promise<Copier> {
  const statement = (table: string, columns: string[], source: string) =>
    `COPY "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) FROM ${source}`;
  if (env.DATABASE_URL) {
    const client = new pg.Client({ connectionString: env.DATABASE_URL });
    await client.connect();
    return {
      copy: (table, columns, rows) =>
        new Promise<void>((resolve, reject) => {
          const stream = client.query(copyFrom(statement(table, columns, "STDIN")));
          stream.on("finish", resolve).on("error", reject);
          stream.end(copyText(rows));
        }),
      close: () => client.end(),
    };
  }
  const db = openPGlite(path.join(env.RESIDUE_DATA_DIR!, "pglite"));
  await db.waitReady;
  return {
    copy: async (table, columns, rows) => {
      await db.query(statement(table, columns, "'/dev/blob'"), [], { blob: new Blob([copyText(rows)]) });
    },
    close: () => db.close(),
  };
}

// COPY's text format: tab-separated, \N for null, backslash escapes for the separators.
const ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };
const field = (v: unknown) =>
  v === null || v === undefined ? "\\N" : String(v).replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]!);
const copyText = (rows: unknown[][]) => rows.map((r) => r.map(field).join("\t") + "\n").join("");

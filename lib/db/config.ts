import path from "node:path";

/** Where Residue keeps its embedded database and generated key when no server is configured. */
export function dataDir(): string {
  // Resolved at run time, not traced at build time: the data directory is not part of the bundle.
  return path.resolve(
    /*turbopackIgnore: true*/ process.env.RESIDUE_DATA_DIR ??
      path.join(/*turbopackIgnore: true*/ process.cwd(), "data"),
  );
}

/** Real PostgreSQL when DATABASE_URL is set; the embedded PGlite otherwise. */
export function databaseUrl(): string | undefined {
  const url = process.env.DATABASE_URL?.trim();
  return url ? url : undefined;
}

export function databaseKind(): "postgresql" | "pglite" {
  return databaseUrl() ? "postgresql" : "pglite";
}

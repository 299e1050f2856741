-- pg_trgm ships with PostgreSQL (contrib) and is loaded into PGlite by lib/db/adapter.ts.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- CreateIndex
CREATE INDEX "Occurrence_path_idx" ON "Occurrence" USING GIN ("path" gin_trgm_ops);

import type { Prisma } from "../generated/prisma/client";
import { getDb } from "./index";

// PostgreSQL codes worth one more try: deadlock, serialization failure, a unique race between two writers, and the
// error ingest raises itself when a secret it had looked up was merged away meanwhile.
const RETRYABLE = /40P01|40001|23505|deadlock|could not serialize/i;
const ATTEMPTS = 5;

/**
 * Runs `work` in one transaction, again (from the start, nothing of the failed attempt kept) when it failed for a
 * reason another try can fix. Sequential by nature: each attempt follows the failure of the one before.
 */
export async function retryTransaction<T>(work: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await getDb().$transaction(work);
    } catch (err) {
      if (attempt >= ATTEMPTS || !RETRYABLE.test(errorText(err))) throw err;
    }
  }
}

function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: { code?: string; originalCode?: string } }).cause;
  return `${err.message} ${cause?.code ?? ""} ${cause?.originalCode ?? ""} ${(err as { code?: string }).code ?? ""}`;
}

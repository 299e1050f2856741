import { sha256Hex } from "./hash";
import { ResidueError } from "./errors";

/**
 * An entity's version for optimistic concurrency: a hash of the fields a person changes (not of counters an ingest
 * moves), so a stale write is refused while an upload touching the same secret is not a conflict.
 */
export function etagOf(fields: unknown[]): string {
  return `"${sha256Hex(JSON.stringify(fields)).slice(0, 20)}"`;
}

/** If-Match as RFC 9110 reads it: absent or `*` matches; otherwise one of the listed tags must (weak or strong). */
export function assertIfMatch(ifMatch: string | null | undefined, current: string, what: string): void {
  if (!ifMatch || ifMatch.trim() === "*") return;
  const tags = ifMatch.split(",").map((t) => t.trim().replace(/^W\//, ""));
  if (!tags.includes(current))
    throw new ResidueError(
      "conflict",
      `${what} changed since you read it (If-Match ${ifMatch.slice(0, 60)}, now ${current}). Read it again and reapply your change.`,
    );
}

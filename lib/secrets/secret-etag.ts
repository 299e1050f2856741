import { etagOf } from "../etag";

/**
 * A secret's version for If-Match: its stored triage (state, reason, expiry) and assignee, what people change; not
 * the counters and times ingest moves, so an upload that sees the secret again is no conflict.
 */
export const secretEtag = (s: {
  triageState: string;
  triageReason: string | null;
  acceptedUntil: Date | null;
  assigneeId: string | null;
}) => etagOf([s.triageState, s.triageReason, s.acceptedUntil?.toISOString() ?? null, s.assigneeId]);

import { z } from "zod";
import { cursorQuery, decodeCursor, encodeCursor } from "../cursor";
import { ResidueError } from "../errors";
import { getDb } from "../db";
import { getSecretActivity } from "./get-secret-activity";
import { timelineSentence } from "./timeline-sentence";

export const timelinePageQuerySchema = z.object(cursorQuery);

/** The secret's timeline for the API: the page's entries after the cursor (time, then id), newest first. */
export async function secretTimelinePage(secretId: string, q: z.infer<typeof timelinePageQuerySchema>) {
  if (!(await getDb().secret.findUnique({ where: { id: secretId }, select: { id: true } })))
    throw new ResidueError("not_found", "Secret not found.");
  const after = decodeCursor(q.cursor, 2);
  const before = after ? { at: new Date(after[0]!), id: after[1]! } : undefined;
  if (before && Number.isNaN(before.at.getTime())) throw new ResidueError("bad_request", "The cursor is not valid.");
  const { timeline, people } = await getSecretActivity(secretId, { before, limit: q.limit + 1 });
  const page = timeline.slice(0, q.limit);
  const last = page.at(-1);
  return {
    entries: page.map((e) => ({
      text: timelineSentence(e, people),
      id: e.id,
      at: e.at,
      kind: e.kind,
      action: e.label,
      actor: e.actor,
      scanId: e.scanId,
      detail: e.detail,
    })),
    next_cursor: timeline.length > q.limit && last ? encodeCursor([last.at.toISOString(), last.id]) : null,
  };
}

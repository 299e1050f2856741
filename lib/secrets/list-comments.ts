import { z } from "zod";
import { cursorQuery, decodeCursor, encodeCursor } from "../cursor";
import { getDb } from "../db";

export const commentsPageQuerySchema = z.object(cursorQuery);

/** A secret's comments, newest first, a page after the cursor (time, then id). Authors by name, never by email. */
export async function listComments(secretId: string, q: z.infer<typeof commentsPageQuerySchema>) {
  const after = decodeCursor(q.cursor, 2);
  const rows = await getDb().comment.findMany({
    where: {
      secretId,
      ...(after
        ? {
            OR: [{ createdAt: { lt: new Date(after[0]!) } }, { createdAt: new Date(after[0]!), id: { lt: after[1]! } }],
          }
        : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: q.limit + 1,
    select: { id: true, body: true, createdAt: true, author: { select: { id: true, name: true } } },
  });
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    comments: page,
    next_cursor: rows.length > q.limit && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null,
  };
}

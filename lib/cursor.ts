import { z } from "zod";
import { ResidueError } from "./errors";

/**
 * Keyset cursors for API lists: the sort key of the last row given, opaque to the client (base64url JSON). Stable
 * under inserts and deletes, unlike page numbers: a row added while a client pages is never shown twice.
 */
export const encodeCursor = (key: (string | number)[]) => Buffer.from(JSON.stringify(key)).toString("base64url");

export function decodeCursor(cursor: string | undefined, arity: number): string[] | undefined {
  if (!cursor) return undefined;
  try {
    const key = z
      .array(z.string().max(200))
      .length(arity)
      .parse(JSON.parse(Buffer.from(cursor, "base64url").toString()));
    return key;
  } catch {
    throw new ResidueError("bad_request", "The cursor is not one this API gave out: use next_cursor as it came.");
  }
}

export const cursorQuery = {
  cursor: z.string().max(1000).optional().describe("next_cursor of the previous page."),
  limit: z.coerce.number().int().min(1).max(200).default(50),
};

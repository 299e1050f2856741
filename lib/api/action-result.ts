import { z } from "zod";
import { formatZodError, ResidueError } from "../errors";

/** What a server action hands back to its form: never a stack trace, never report content. */
export type ActionResult<T = undefined> = { ok: true; data?: T; message?: string } | { ok: false; error: string };

/** Runs a server action body and turns known errors into a message the form shows. */
export async function runAction<T>(fn: () => Promise<{ data?: T; message?: string } | void>): Promise<ActionResult<T>> {
  try {
    const r = (await fn()) ?? {};
    return { ok: true, ...r };
  } catch (err) {
    if (err instanceof z.ZodError) return { ok: false, error: formatZodError(err) };
    if (err instanceof ResidueError) return { ok: false, error: err.message };
    // Next's redirect()/forbidden() are thrown too: let them through.
    if (err instanceof Error && "digest" in err) throw err;
    console.error(
      "[residue] action failed:",
      err instanceof Error ? `${err.name}: ${err.message.slice(0, 300)}` : typeof err,
    );
    return { ok: false, error: "Something went wrong; nothing was changed." };
  }
}

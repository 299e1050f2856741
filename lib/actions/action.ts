import { revalidatePath } from "next/cache";
import { z } from "zod";
import type { UserActor } from "../access/actor";
import type { Permission } from "../access/permissions";
import { requireActionUser } from "../auth/current-user";
import { formatZodError, ResidueError } from "../errors";

/** What a server action hands back to its form: never a stack trace, never report content. */
export type ActionResult<T = undefined> = { ok: true; data?: T; message?: string } | { ok: false; error: string };
type Outcome<T> = { data?: T; message?: string } | void;
/** Paths whose rendering the action changed; `[path, "layout"]` for everything under it. */
type Revalidate<I> = (input: I) => (string | [string, "layout"])[];
/**
 * A server action takes its input either as one value (called from code) or, as `useActionState` calls it, as the
 * previous result and the submitted form.
 */
type ServerAction<T> = (inputOrPrevious: unknown, form?: FormData) => Promise<ActionResult<T>>;

/**
 * The one shape of every server action: sign-in and `permission` checked, input parsed by `schema`, `run` called
 * (lib code, which checks the permission again and audits), the changed pages revalidated, and every known error
 * turned into a message the form shows. Actions live one per file in lib/actions/<verb-noun>.ts.
 */
export function action<S extends z.ZodType, T = undefined>(
  schema: S,
  permission: Permission,
  run: (input: z.output<S>, actor: UserActor) => Promise<Outcome<T>>,
  revalidate?: Revalidate<z.output<S>>,
): ServerAction<T> {
  return (inputOrPrevious, form) =>
    settle(async () => {
      const actor = await requireActionUser(permission);
      const input = schema.parse(form instanceof FormData ? formFields(form) : inputOrPrevious);
      const outcome = await run(input, actor);
      refresh(revalidate?.(input));
      return outcome;
    });
}

/** The same for the one action nobody is signed in for (creating the first administrator). */
export function publicAction<S extends z.ZodType, T = undefined>(
  schema: S,
  run: (input: z.output<S>) => Promise<Outcome<T>>,
): ServerAction<T> {
  return (inputOrPrevious, form) =>
    settle(async () => run(schema.parse(form instanceof FormData ? formFields(form) : inputOrPrevious)));
}

/** A form's fields as an object: a name submitted more than once (checkboxes) becomes an array. */
function formFields(form: FormData): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {};
  for (const key of new Set(form.keys())) {
    if (key.startsWith("$ACTION")) continue; // Next's own hidden fields
    const values = form.getAll(key).filter((v): v is string => typeof v === "string");
    fields[key] = values.length === 1 ? values[0]! : values;
  }
  return fields;
}

function refresh(paths: (string | [string, "layout"])[] = []) {
  for (const p of paths) {
    if (typeof p === "string") revalidatePath(p);
    else revalidatePath(p[0], p[1]);
  }
}

async function settle<T>(fn: () => Promise<Outcome<T>>): Promise<ActionResult<T>> {
  try {
    return { ok: true, ...((await fn()) ?? {}) };
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

/** Form helpers for schemas: a field that may arrive once or several times, and an optional number. */
export const formList = (v: unknown) => (v === undefined ? [] : [v].flat());
export const formNumber = (v: unknown) => (v === undefined || v === "" ? undefined : Number(v));

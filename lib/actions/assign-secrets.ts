"use server";
import { assignSchema } from "../triage/schemas";
import { assignSecrets } from "../triage/triage-secrets";
import { action } from "./action";
import { plural } from "./plural";

export const assignSecretsAction = action(
  assignSchema,
  "triage",
  async (input, actor) => {
    const r = await assignSecrets(actor, input);
    return { message: `Assigned ${plural(r.changed, "secret")}.` };
  },
  () => [["/secrets", "layout"]],
);

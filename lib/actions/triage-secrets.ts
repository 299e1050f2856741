"use server";
import { bulkTriageSchema } from "../triage/schemas";
import { triageSecrets } from "../triage/triage-secrets";
import { action } from "./action";
import { plural } from "./plural";

export const triageSecretsAction = action(
  bulkTriageSchema,
  "triage",
  async (input, actor) => {
    const r = await triageSecrets(actor, input);
    return { message: r.changed ? `Updated ${plural(r.changed, "secret")}.` : "Nothing to change." };
  },
  () => [["/secrets", "layout"]],
);

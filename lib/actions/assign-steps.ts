"use server";
import { z } from "zod";
import { assignSteps } from "../remediation/steps";
import { action, formList } from "./action";
import { plural } from "./plural";

export const assignStepsAction = action(
  z.object({
    ids: z.preprocess(formList, z.array(z.string().min(1).max(64)).min(1, "Select at least one step").max(500)),
    ownerId: z.preprocess((v) => (v === "" ? null : v), z.string().min(1).max(64).nullable()),
  }),
  "remediate",
  async (input, actor) => {
    const r = await assignSteps(actor, input);
    return { message: r.changed ? `Assigned ${plural(r.changed, "step")}.` : "Nothing to change." };
  },
  () => ["/remediation"],
);

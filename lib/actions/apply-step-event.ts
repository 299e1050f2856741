"use server";
import { stepActionSchema } from "../remediation/schemas";
import { applyStepEvent } from "../remediation/steps";
import { action } from "./action";

export const applyStepEventAction = action(
  stepActionSchema,
  "remediate",
  async (input, actor) => {
    const r = await applyStepEvent(actor, input);
    return { message: `Step is now ${r.state.replace("_", " ")}.` };
  },
  () => [["/secrets", "layout"], "/remediation"],
);

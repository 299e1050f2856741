"use server";
import { z } from "zod";
import { updateStep } from "../remediation/steps";
import { action } from "./action";

// A date input sends "" for none: that clears the due date.
export const planStepAction = action(
  z.object({
    stepId: z.string().min(1).max(64),
    ownerId: z.string().min(1).max(64).nullable().optional(),
    dueAt: z.preprocess((v) => (v === "" ? null : v), z.coerce.date().nullable()).optional(),
  }),
  "remediate",
  async (input, actor) => {
    await updateStep(actor, input);
    return { message: "Saved." };
  },
  () => ["/remediation"],
);

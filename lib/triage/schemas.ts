import { z } from "zod";

const ids = z
  .array(z.string().min(1).max(64))
  .min(1, "Select at least one secret")
  .max(1000, "At most 1,000 secrets at once");
const reason = z.string().trim().min(3, "Give a reason (at least 3 characters)").max(2000);

/** A triage decision. False positive needs a reason; accepted risk needs a reason and an expiry in the future. */
export const triageChangeSchema = z.discriminatedUnion("state", [
  z.object({ state: z.literal("open"), reason: z.string().trim().max(2000).optional() }),
  z.object({ state: z.literal("confirmed"), reason: z.string().trim().max(2000).optional() }),
  z.object({ state: z.literal("resolved"), reason: z.string().trim().max(2000).optional() }),
  z.object({ state: z.literal("false_positive"), reason }),
  z.object({
    state: z.literal("accepted_risk"),
    reason,
    acceptedUntil: z.coerce.date().refine((d) => d.getTime() > Date.now(), "The expiry date must be in the future"),
  }),
]);
export type TriageChange = z.infer<typeof triageChangeSchema>;

export const bulkTriageSchema = z.object({ ids, change: triageChangeSchema });
export const assignSchema = z.object({ ids, assigneeId: z.string().min(1).max(64).nullable() });
export const commentSchema = z.object({
  secretId: z.string().min(1).max(64),
  body: z.string().trim().min(1, "Write something").max(4000),
});

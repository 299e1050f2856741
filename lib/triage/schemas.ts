import { z } from "zod";
import { listSecretsQuerySchema } from "../secrets/schemas";
import { triageStateSchema } from "../vocabulary/triage-state";

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

const assigneeId = z.string().min(1).max(64).nullable().describe("A user id; null unassigns.");

/** PATCH /api/v1/secrets/{id}: a triage change (the same rules as the page: reasons, expiries) and/or an assignee. */
export const secretPatchSchema = z
  .object({
    state: triageStateSchema.optional(),
    reason: z.string().max(2000).optional().describe("Required for false_positive and accepted_risk."),
    acceptedUntil: z.string().max(40).optional().describe("Required for accepted_risk: a future date (ISO 8601)."),
    assigneeId: assigneeId.optional(),
  })
  .strict()
  .refine((p) => p.state !== undefined || p.assigneeId !== undefined, "Send a state, an assigneeId or both.")
  .refine((p) => p.state !== undefined || (p.reason === undefined && p.acceptedUntil === undefined), {
    message: "reason and acceptedUntil go with a state.",
    path: ["state"],
  });

/** POST /api/v1/secrets/bulk: one change for an id list or for every secret a filter of the secrets table selects. */
export const BULK_LIMIT = 10_000;
export const secretBulkSchema = z
  .object({
    ids: z.array(z.string().min(1).max(64)).min(1).max(BULK_LIMIT).optional(),
    filter: listSecretsQuerySchema
      .omit({ sort: true, dir: true, page: true, pageSize: true })
      .partial()
      .optional()
      .describe("The secrets table's filters (as in GET /api/v1/secrets)."),
    change: triageChangeSchema.optional(),
    assigneeId: assigneeId.optional(),
    dryRun: z.boolean().default(false).describe("Only count what would change."),
  })
  .strict()
  .refine((b) => (b.ids === undefined) !== (b.filter === undefined), "Send either ids or a filter.")
  .refine(
    (b) => b.dryRun || b.change !== undefined || b.assigneeId !== undefined,
    "Send a change, an assigneeId or both.",
  );

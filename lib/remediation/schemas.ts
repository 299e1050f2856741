import { z } from "zod";
import { severitySchema } from "../vocabulary/severity";

import { STEP_KINDS, STEP_STATES } from "../vocabulary/remediation-step";
import { cursorQuery } from "../cursor";

/** What a person records when the credential was rotated: who did it, when and how (vault path, ticket…). */
export const rotationEvidenceSchema = z.object({
  rotatedBy: z.string().trim().min(1, "Who rotated it?").max(200),
  rotatedAt: z.coerce.date().refine((d) => d.getTime() <= Date.now() + 60_000, "Rotation time cannot be in the future"),
  how: z.string().trim().min(3, "How was it rotated (vault path, ticket, console)?").max(1000),
});
export type RotationEvidence = z.infer<typeof rotationEvidenceSchema>;

/** The events a person may send; "verify" by a person is only an admin's attestation of a rotation. */
export const stepEventSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("start") }),
  z.object({ type: z.literal("complete"), rotation: rotationEvidenceSchema.optional() }),
  z.object({
    type: z.literal("not_applicable"),
    reason: z.string().trim().min(3, "Say why this step does not apply").max(2000),
  }),
  z.object({ type: z.literal("reopen") }),
  z.object({
    type: z.literal("attest"),
    note: z.string().trim().min(3, "Say what the attestation rests on").max(2000),
  }),
  z.object({ type: z.literal("assign"), ownerId: z.string().min(1).max(64).nullable() }),
  z.object({
    type: z.literal("evidence"),
    url: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .optional(),
    note: z.string().trim().min(3, "Say what the evidence shows").max(2000),
  }),
]);
export type StepEvent = z.infer<typeof stepEventSchema>;

export const stepActionSchema = z.object({ stepId: z.string().min(1).max(64), event: stepEventSchema });

export const slaSchema = z.object({
  critical: z.coerce.number().int().min(1).max(365),
  high: z.coerce.number().int().min(1).max(365),
  medium: z.coerce.number().int().min(1).max(730),
  low: z.coerce.number().int().min(1).max(730),
  info: z.coerce.number().int().min(1).max(1825),
});
export type SlaDays = z.infer<typeof slaSchema>;
export const DEFAULT_SLA_DAYS: SlaDays = { critical: 1, high: 7, medium: 30, low: 90, info: 180 };

export const listStepsQuerySchema = z.object({
  state: z.enum(STEP_STATES).optional().catch(undefined),
  kind: z.enum(STEP_KINDS).optional().catch(undefined),
  owner: z.string().max(64).optional().catch(undefined), // user id, or "none"
  severity: severitySchema.optional().catch(undefined),
  repository: z.string().max(512).optional().catch(undefined),
  overdue: z.enum(["1"]).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).catch(50).default(50),
});
export type ListStepsQuery = z.infer<typeof listStepsQuerySchema>;

/** GET /api/v1/remediation/metrics: the figures as of a date, for one repository or all. */
export const remediationMetricsQuerySchema = z.object({
  asOf: z.coerce.date().optional().describe("The figures as they stood at this time (ISO 8601); now by default."),
  repositoryId: z.string().max(64).optional().describe("Only this repository's steps."),
});

/** GET /api/v1/remediation/steps: the board's filters and a cursor. */
export const stepsPageQuerySchema = listStepsQuerySchema.omit({ page: true, pageSize: true }).extend(cursorQuery);
export type StepsPageQuery = z.infer<typeof stepsPageQuerySchema>;

/** PATCH /api/v1/remediation/steps/{id}: owner and due date. */
export const stepPatchSchema = z
  .object({
    ownerId: z.string().min(1).max(64).nullable().optional().describe("A user id; null leaves it unowned."),
    dueAt: z.coerce.date().nullable().optional().describe("ISO 8601; null removes the due date."),
  })
  .strict()
  .refine((p) => p.ownerId !== undefined || p.dueAt !== undefined, "Send an ownerId, a dueAt or both.");

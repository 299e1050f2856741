import { z } from "zod";
import { severitySchema } from "../vocabulary/severity";
import { triageStateSchema } from "../vocabulary/triage-state";

const csv = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (typeof v === "string" ? v.split(",").filter(Boolean) : v), z.array(item).max(20));

export const SECRET_SORTS = ["lastSeen", "firstSeen", "severity", "occurrences", "images", "rule"] as const;

/** Filters, sort and page of the fleet secrets table; the same schema reads the URL and the API query. */
export const listSecretsQuerySchema = z.object({
  state: csv(triageStateSchema).optional(),
  severity: csv(severitySchema).optional(),
  rule: z.string().max(256).optional(),
  registry: z.string().max(256).optional(),
  repository: z.string().max(512).optional(),
  scanner: z.string().max(100).optional(),
  scan: z.string().max(64).optional().describe("Only secrets seen by this scan."),
  residue: z.enum(["1", "0"]).optional().describe("1: only secrets in a layer whose file a later layer deleted."),
  verified: z.enum(["1", "0"]).optional(),
  remediation: z
    .enum(["none", "planned", "overdue", "remediated"])
    .optional()
    .describe(
      "none: no plan; planned: plan not finished; overdue: a step past its due date; remediated: every step verified.",
    ),
  control: z.string().max(64).optional().describe("Only secrets whose finding types map to this compliance control."),
  assignee: z.string().max(64).optional().describe('A user id, or "none".'),
  q: z.string().trim().max(200).optional().describe("Text search on rule, detector, path and repository."),
  firstSeenFrom: z.coerce.date().optional(),
  firstSeenTo: z.coerce.date().optional(),
  sort: z.enum(SECRET_SORTS).default("lastSeen"),
  dir: z.enum(["asc", "desc"]).default("desc"),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListSecretsQuery = z.infer<typeof listSecretsQuerySchema>;

export const secretIdParamSchema = z.object({ id: z.string().min(1).max(64) });

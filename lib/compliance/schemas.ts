import { z } from "zod";

export const complianceQuerySchema = z.object({
  asOf: z.iso.date().optional().catch(undefined).describe("Report as of the end of this day (UTC)."),
  from: z.iso.date().optional().catch(undefined),
  registry: z.string().max(256).optional().catch(undefined),
  repository: z.string().max(512).optional().catch(undefined),
  groupBy: z.enum(["registry", "repository"]).default("registry").catch("registry"),
  weeks: z.coerce.number().int().min(2).max(104).default(12).catch(12),
});
export type ComplianceQuery = z.infer<typeof complianceQuerySchema>;

/** End of the given UTC day, or now. */
export function asOfDate(q: { asOf?: string }, now = new Date()): Date {
  if (!q.asOf) return now;
  const end = new Date(`${q.asOf}T23:59:59.999Z`);
  return end < now ? end : now;
}

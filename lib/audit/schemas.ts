import { z } from "zod";

const day = z.iso.date().optional().catch(undefined);

export const listAuditQuerySchema = z.object({
  actor: z.string().trim().max(200).optional().catch(undefined),
  action: z.string().trim().max(100).optional().catch(undefined),
  entityType: z.string().trim().max(100).optional().catch(undefined),
  entityId: z.string().trim().max(100).optional().catch(undefined),
  from: day,
  to: day,
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).catch(50).default(50),
});
export type ListAuditQuery = z.infer<typeof listAuditQuerySchema>;

import { z } from "zod";

export const listScansQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListScansQuery = z.infer<typeof listScansQuerySchema>;

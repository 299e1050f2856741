import { z } from "zod";
import { EXPORT_WRITERS, exportStream } from "../compliance/export-findings";
import { asOfDate, complianceQuerySchema } from "../compliance/schemas";

const formatSchema = z.object({
  format: z.enum(Object.keys(EXPORT_WRITERS) as [keyof typeof EXPORT_WRITERS]).default("csv"),
});

/**
 * The findings export as a download, for the same scope and date as the compliance page it was asked from
 * (`asOf`, `registry`, `repository`); the same for the dashboard and the API.
 */
export function exportResponse(searchParams: Record<string, string>): Response {
  const { format } = formatSchema.parse(searchParams);
  const q = complianceQuerySchema.parse(searchParams);
  const asOf = asOfDate(q);
  const stamp = asOf.toISOString().slice(0, 10);
  const writer = EXPORT_WRITERS[format];
  return new Response(exportStream(writer, { asOf, scope: { registry: q.registry, repository: q.repository } }), {
    headers: {
      "content-type": writer.contentType,
      "content-disposition": `attachment; filename="residue-findings-${stamp}.${writer.extension}"`,
      "cache-control": "no-store",
    },
  });
}

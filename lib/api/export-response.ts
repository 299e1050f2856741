import { z } from "zod";
import { exportStream } from "../compliance/export-findings";
import { asOfDate, complianceQuerySchema } from "../compliance/schemas";

const formatSchema = z.object({ format: z.enum(["csv", "json"]).default("csv") });

/**
 * The findings export as a download, for the same scope and date as the compliance page it was asked from
 * (`asOf`, `registry`, `repository`); the same for the dashboard and the API.
 */
export function exportResponse(searchParams: Record<string, string>): Response {
  const { format } = formatSchema.parse(searchParams);
  const q = complianceQuerySchema.parse(searchParams);
  const asOf = asOfDate(q);
  const stamp = asOf.toISOString().slice(0, 10);
  return new Response(exportStream(format, { asOf, scope: { registry: q.registry, repository: q.repository } }), {
    headers: {
      "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="residue-findings-${stamp}.${format}"`,
      "cache-control": "no-store",
    },
  });
}

import { z } from "zod";
import { exportStream } from "../compliance/export-findings";

const formatSchema = z.object({ format: z.enum(["csv", "json"]).default("csv") });

/** The findings export as a download; the same for the dashboard and the API. */
export function exportResponse(searchParams: Record<string, string>): Response {
  const { format } = formatSchema.parse(searchParams);
  const stamp = new Date().toISOString().slice(0, 10);
  return new Response(exportStream(format), {
    headers: {
      "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="residue-findings-${stamp}.${format}"`,
      "cache-control": "no-store",
    },
  });
}

import { z } from "zod";
import { EXPORT_WRITERS, exportStream } from "../compliance/export-findings";
import { evidencePack } from "../compliance/evidence-pack";
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

/**
 * The auditor's evidence pack (lib/compliance/evidence-pack.ts) as a zip download, for the same scope and date as
 * the compliance page it was asked from, naming who asked for it.
 */
export function evidenceResponse(searchParams: Record<string, string>, generatedBy: string): Response {
  const q = complianceQuerySchema.parse(searchParams);
  const asOf = asOfDate(q);
  const pack = evidencePack({ asOf, scope: { registry: q.registry, repository: q.repository }, generatedBy });
  const body = new ReadableStream<Uint8Array>({
    async pull(ctl) {
      const { value, done } = await pack.next();
      if (done) ctl.close();
      else ctl.enqueue(value);
    },
    async cancel() {
      await pack.return(undefined);
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "application/zip",
      "content-disposition": `attachment; filename="residue-evidence-${asOf.toISOString().slice(0, 10)}.zip"`,
      "cache-control": "no-store",
    },
  });
}

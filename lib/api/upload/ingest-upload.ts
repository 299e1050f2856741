import type { Actor } from "../../access/actor";
import { ingestScan } from "../../ingest/ingest-scan";
import { readUpload } from "./read-upload";
import { uploadScanQuerySchema, type IngestResult } from "../../ingest/schemas";

/** An upload request (raw or multipart) through to ingest; shared by the API and the dashboard's upload page. */
export async function ingestUpload(opts: {
  req: Request;
  searchParams: Record<string, string>;
  uploader: Actor;
}): Promise<IngestResult> {
  const upload = await readUpload(opts.req);
  try {
    const query = uploadScanQuerySchema.parse({ ...upload.fields, ...opts.searchParams });
    return await ingestScan({ ...query, content: upload.report, uploader: opts.uploader });
  } finally {
    upload.dispose();
  }
}

import { NextResponse } from "next/server";
import { withBrowser } from "@/lib/api/with-browser";
import { ingestReport } from "@/lib/ingest/ingest-report";
import { readUpload } from "@/lib/ingest/read-upload";
import { uploadScanQuerySchema } from "@/lib/ingest/schemas";

export const dynamic = "force-dynamic";

// POST /api/ui/scans – the upload page's endpoint: same ingest as /api/v1/scans, same-origin only
export const POST = withBrowser(async ({ req, searchParams }) => {
  const upload = await readUpload(req);
  const query = uploadScanQuerySchema.parse({ ...upload.fields, ...searchParams });
  const result = await ingestReport({ ...query, content: upload.content, uploader: { userId: null, tokenId: null, label: "browser upload" } });
  return NextResponse.json(result, { status: result.duplicate ? 200 : 201 });
});

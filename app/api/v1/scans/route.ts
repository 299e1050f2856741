import { NextResponse } from "next/server";
import { withToken } from "@/lib/api/with-token";
import { ingestUpload } from "@/lib/ingest/ingest-upload";
import { listScans } from "@/lib/scans/list-scans";
import { listScansQuerySchema } from "@/lib/scans/schemas";

export const dynamic = "force-dynamic";

// POST /api/v1/scans – ingest one scanner report (raw or multipart `file`, gzip accepted); needs scans:write
export const POST = withToken(
  async ({ req, actor, searchParams }) => {
    const result = await ingestUpload({ req, searchParams, uploader: actor });
    return NextResponse.json(result, { status: result.duplicate ? 200 : 201 });
  },
  { scope: "scans:write" },
);

// GET /api/v1/scans – most recent scans first; needs read
export const GET = withToken(
  async ({ searchParams }) => NextResponse.json(await listScans(listScansQuerySchema.parse(searchParams))),
  { scope: "read" },
);

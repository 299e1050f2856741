import { NextResponse } from "next/server";
import { withActor } from "@/lib/api/guards";
import { ingestUpload } from "@/lib/api/upload/ingest-upload";
import { listScans } from "@/lib/scans/list-scans";
import { listScansQuerySchema } from "@/lib/scans/schemas";

export const dynamic = "force-dynamic";

// POST /api/v1/scans – ingest one scanner report (raw or multipart `file`, gzip accepted); needs scans:write
export const POST = withActor(
  async ({ req, actor, searchParams }) => {
    const result = await ingestUpload({ req, searchParams, uploader: actor });
    return NextResponse.json(result, { status: result.duplicate ? 200 : 201 });
  },
  { permission: "upload", via: "token" },
);

// GET /api/v1/scans – most recent scans first; needs read
export const GET = withActor(
  async ({ searchParams }) => NextResponse.json(await listScans(listScansQuerySchema.parse(searchParams))),
  { permission: "read", via: "token" },
);

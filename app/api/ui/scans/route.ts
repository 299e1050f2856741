import { NextResponse } from "next/server";
import { withActor } from "@/lib/api/guards";
import { ingestUpload } from "@/lib/api/upload/ingest-upload";

export const dynamic = "force-dynamic";

// POST /api/ui/scans – the upload page's endpoint: same ingest as /api/v1/scans, for a signed-in triager or admin
export const POST = withActor(
  async ({ req, searchParams, actor }) => {
    const result = await ingestUpload({ req, searchParams, uploader: actor });
    return NextResponse.json(result, { status: result.duplicate ? 200 : 201 });
  },
  { permission: "upload", via: "browser" },
);

import { NextResponse } from "next/server";
import { withBrowser } from "@/lib/api/with-browser";
import { ingestUpload } from "@/lib/ingest/ingest-upload";

export const dynamic = "force-dynamic";

// POST /api/ui/scans – the upload page's endpoint: same ingest as /api/v1/scans, for a signed-in triager or admin
export const POST = withBrowser(
  async ({ req, searchParams, user }) => {
    const result = await ingestUpload({ req, searchParams, uploader: user });
    return NextResponse.json(result, { status: result.duplicate ? 200 : 201 });
  },
  { permission: "upload" },
);

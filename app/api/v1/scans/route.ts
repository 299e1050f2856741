import { NextResponse } from "next/server";
import { withActor } from "@/lib/api/guards";
import { acceptUpload, uploadResponse } from "@/lib/api/upload/accept-upload";
import { listScans } from "@/lib/scans/list-scans";
import { listScansQuerySchema } from "@/lib/scans/schemas";

export const dynamic = "force-dynamic";

// POST /api/v1/scans – queue one scanner report (raw or multipart `file`, gzip accepted): 202 + Location, or with
// ?wait=N the ingest's answer (201; 200 for a duplicate, which is always immediate); needs scans:write
export const POST = withActor(
  async ({ req, actor, searchParams }) => uploadResponse(await acceptUpload({ req, searchParams, uploader: actor })),
  { permission: "upload", via: "token" },
);

// GET /api/v1/scans – most recent scans first; needs read
export const GET = withActor(
  async ({ searchParams }) => NextResponse.json(await listScans(listScansQuerySchema.parse(searchParams))),
  { permission: "read", via: "token" },
);

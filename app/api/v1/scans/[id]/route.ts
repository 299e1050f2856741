import { NextResponse } from "next/server";
import { withActor } from "@/lib/api/guards";
import { uploadIdSchema } from "@/lib/uploads/schemas";
import { getUploadStatus } from "@/lib/uploads/upload-status";

export const dynamic = "force-dynamic";

// GET /api/v1/scans/{id} – an upload's processing_status (pending → running → complete | failed) and, once
// complete, the ingest's result; needs scans:write (the uploader polls it)
export const GET = withActor(
  async ({ params }) => NextResponse.json(await getUploadStatus(uploadIdSchema.parse(params.id))),
  { permission: "upload", via: "token" },
);

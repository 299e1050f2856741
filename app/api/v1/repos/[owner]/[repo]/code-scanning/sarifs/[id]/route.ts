import { NextResponse } from "next/server";
import { withActor } from "@/lib/api/guards";
import { sarifUploadStatus } from "@/lib/api/upload/github-code-scanning";
import { uploadIdSchema } from "@/lib/uploads/schemas";

export const dynamic = "force-dynamic";

// GET /api/v1/repos/{owner}/{repo}/code-scanning/sarifs/{id} – the upload's processing_status (pending, complete,
// failed) as GitHub answers it; needs scans:write
export const GET = withActor(
  async ({ params }) => NextResponse.json(await sarifUploadStatus(params, uploadIdSchema.parse(params.id))),
  { permission: "upload", via: "token" },
);

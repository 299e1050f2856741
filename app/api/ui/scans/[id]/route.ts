import { NextResponse } from "next/server";
import { withActor } from "@/lib/api/guards";
import { uploadIdSchema } from "@/lib/uploads/schemas";
import { getUploadStatus } from "@/lib/uploads/upload-status";

export const dynamic = "force-dynamic";

// GET /api/ui/scans/{id} – the upload page follows its upload here until it completes or fails
export const GET = withActor(
  async ({ params }) => NextResponse.json(await getUploadStatus(uploadIdSchema.parse(params.id))),
  { permission: "upload", via: "browser" },
);

import { withActor } from "@/lib/api/guards";
import { acceptUpload, uploadResponse } from "@/lib/api/upload/accept-upload";

export const dynamic = "force-dynamic";

// POST /api/ui/scans – the upload page's endpoint: same as POST /api/v1/scans, for a signed-in triager or admin
export const POST = withActor(
  async ({ req, searchParams, actor }) => uploadResponse(await acceptUpload({ req, searchParams, uploader: actor })),
  { permission: "upload", via: "browser" },
);

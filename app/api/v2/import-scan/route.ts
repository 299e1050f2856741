import { NextResponse } from "next/server";
import { withActor } from "@/lib/api/guards";
import { importScan } from "@/lib/api/upload/defectdojo-import";

export const dynamic = "force-dynamic";

// POST /api/v2/import-scan/ – DefectDojo's import, for CI steps written for it: multipart scan_type + file + context
// fields → 201; needs scans:write (a token sent as "Authorization: Token …" works as DefectDojo's does)
export const POST = withActor(
  async ({ req, actor }) => NextResponse.json(await importScan({ req, uploader: actor }), { status: 201 }),
  { permission: "upload", via: "token" },
);

import { NextResponse } from "next/server";
import { withActor } from "@/lib/api/guards";
import { acceptSarifUpload } from "@/lib/api/upload/github-code-scanning";

export const dynamic = "force-dynamic";

// POST /api/v1/repos/{owner}/{repo}/code-scanning/sarifs – GitHub code scanning's upload, for CI steps written for
// it: {commit_sha, ref, sarif: base64(gzip(SARIF))} → 202 {id, url}; needs scans:write
export const POST = withActor(
  async ({ req, params, actor }) =>
    NextResponse.json(await acceptSarifUpload({ req, params, uploader: actor }), { status: 202 }),
  { permission: "upload", via: "token" },
);

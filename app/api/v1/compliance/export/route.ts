import { withToken } from "@/lib/api/with-token";
import { exportResponse } from "@/lib/api/export-response";

export const dynamic = "force-dynamic";

// GET /api/v1/compliance/export?format=csv|json – findings with mappings and remediation state; needs read
export const GET = withToken(async ({ searchParams }) => exportResponse(searchParams), { scope: "read" });

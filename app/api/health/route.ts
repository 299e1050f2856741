import { NextResponse } from "next/server";
import { withPublic } from "@/lib/api/guards";
import { checkHealth } from "@/lib/health/check-health";

export const dynamic = "force-dynamic";

// GET /api/health – public: database reachable, migrations current, version. 503 when degraded.
export const GET = withPublic(async () => {
  const health = await checkHealth();
  return NextResponse.json(health, { status: health.status === "ok" ? 200 : 503 });
});

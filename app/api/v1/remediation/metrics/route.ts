import { NextResponse } from "next/server";
import { withActor } from "@/lib/api/guards";
import { getRemediationMetrics } from "@/lib/remediation/metrics";
import { remediationMetricsQuerySchema } from "@/lib/remediation/schemas";

export const dynamic = "force-dynamic";

// GET /api/v1/remediation/metrics – MTTR, overdue steps, open exposure (optionally as of a date); needs read
export const GET = withActor(
  async ({ searchParams }) =>
    NextResponse.json(await getRemediationMetrics(remediationMetricsQuerySchema.parse(searchParams))),
  { permission: "read", via: "token" },
);

import { NextResponse } from "next/server";
import { z } from "zod";
import { withActor } from "@/lib/api/guards";
import { getRemediationMetrics } from "@/lib/remediation/metrics";

export const dynamic = "force-dynamic";

const query = z.object({ asOf: z.coerce.date().optional(), repositoryId: z.string().max(64).optional() });

// GET /api/v1/remediation/metrics – MTTR, overdue steps, open exposure (optionally as of a date); needs read
export const GET = withActor(
  async ({ searchParams }) => NextResponse.json(await getRemediationMetrics(query.parse(searchParams))),
  { permission: "read", via: "token" },
);

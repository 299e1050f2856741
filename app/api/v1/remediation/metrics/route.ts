import { NextResponse } from "next/server";
import { z } from "zod";
import { withToken } from "@/lib/api/with-token";
import { getRemediationMetrics } from "@/lib/remediation/metrics";

export const dynamic = "force-dynamic";

const query = z.object({ asOf: z.coerce.date().optional(), repositoryId: z.string().max(64).optional() });

// GET /api/v1/remediation/metrics – MTTR, overdue steps, open exposure (optionally as of a date); needs read
export const GET = withToken(
  async ({ searchParams }) => NextResponse.json(await getRemediationMetrics(query.parse(searchParams))),
  { scope: "read" },
);

import { NextResponse } from "next/server";
import { withToken } from "@/lib/api/with-token";
import { listSecrets } from "@/lib/secrets/list-secrets";
import { listSecretsQuerySchema } from "@/lib/secrets/schemas";

export const dynamic = "force-dynamic";

// GET /api/v1/secrets – the fleet's secrets, filtered, sorted and paged in the database; needs read
export const GET = withToken(
  async ({ searchParams }) => NextResponse.json(await listSecrets(listSecretsQuerySchema.parse(searchParams))),
  { scope: "read" },
);

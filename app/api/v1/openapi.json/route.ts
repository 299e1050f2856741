import { NextResponse } from "next/server";
import { withPublic } from "@/lib/api/guards";
import { buildOpenApi } from "@/lib/api/openapi";

// GET /api/v1/openapi.json – public: the API description, generated from the zod schemas
export const GET = withPublic(async () => NextResponse.json(buildOpenApi()));

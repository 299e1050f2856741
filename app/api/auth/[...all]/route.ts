import { handleAuthRequest } from "@/lib/auth/auth-handler";

export const dynamic = "force-dynamic";

// better-auth's own endpoints: sign-in (rate-limited per address and per account), sign-out, session. Sign-up is disabled.
export const GET = handleAuthRequest;
export const POST = handleAuthRequest;

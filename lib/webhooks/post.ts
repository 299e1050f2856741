import { envNumber } from "../env-number";
import { openSigningKey, signatureHeader } from "./signing";

/** How long a receiver has to answer (RESIDUE_WEBHOOK_TIMEOUT_SECONDS, 10 by default). */
export const timeoutMs = () => envNumber("RESIDUE_WEBHOOK_TIMEOUT_SECONDS", 10) * 1000;

/**
 * One signed POST to a subscription's URL, as every delivery and every test makes it: JSON, the signature over the
 * exact body, no redirect followed (a receiver cannot send Residue elsewhere), a timeout, the answer's body unread.
 */
export async function postSigned(
  sub: { id: string; url: string; secretSealed: Uint8Array },
  body: string,
  headers: { event: string; delivery?: string },
): Promise<{ ok: boolean; status: number | null; error: string | null }> {
  try {
    const res = await fetch(sub.url, {
      method: "POST",
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs()),
      headers: {
        "content-type": "application/json",
        "user-agent": "Residue-Webhooks/1",
        "residue-event": headers.event,
        ...(headers.delivery ? { "residue-delivery": headers.delivery } : {}),
        "residue-signature": signatureHeader(openSigningKey(sub.id, sub.secretSealed), body),
      },
    });
    await res.body?.cancel().catch(() => undefined);
    const ok = res.status >= 200 && res.status < 300;
    return { ok, status: res.status, error: ok ? null : `HTTP ${res.status}` };
  } catch (e) {
    const timedOut = e instanceof Error && e.name === "TimeoutError";
    return {
      ok: false,
      status: null,
      error: timedOut ? `no answer within ${timeoutMs() / 1000} s` : e instanceof Error ? e.message : String(e),
    };
  }
}

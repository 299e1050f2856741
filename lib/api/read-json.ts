import { ResidueError } from "../errors";

/** Reads a small JSON body with a hard size limit (counted on the bytes received, not the declared length). */
export async function readJsonBody(req: Request, maxBytes = 1_000_000): Promise<unknown> {
  const reader = req.body?.getReader();
  if (!reader) throw new ResidueError("bad_request", "A JSON body is required.");
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new ResidueError("payload_too_large", `The body is larger than ${maxBytes.toLocaleString("en")} bytes.`);
    }
    parts.push(value);
  }
  try {
    return JSON.parse(Buffer.concat(parts).toString("utf8"));
  } catch {
    throw new ResidueError("bad_request", "The body is not valid JSON.");
  }
}

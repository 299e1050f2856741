// npm run token:create -- --name ci-upload [--scope scans:write --scope read] [--expires-days 90]
import { parseArgs } from "node:util";
import { createApiToken } from "../lib/auth/api-tokens";
import { createTokenSchema } from "../lib/auth/schemas";
import { closeDb } from "../lib/db";
import { openCliDatabase } from "./cli-database";
import { formatZodError } from "../lib/errors";

const { values } = parseArgs({
  options: { name: { type: "string" }, scope: { type: "string", multiple: true }, "expires-days": { type: "string" } },
});
const input = createTokenSchema.safeParse({
  name: values.name ?? "ci-upload",
  scopes: values.scope?.length ? values.scope : ["scans:write"],
  expiresInDays: values["expires-days"] ? Number(values["expires-days"]) : undefined,
});
if (!input.success) {
  console.error(`Invalid arguments: ${formatZodError(input.error)}`);
  process.exit(2);
}
await openCliDatabase();
try {
  const t = await createApiToken({ kind: "system", label: "cli" }, input.data);
  console.error(
    `Created token "${t.name}" (${t.scopes.join(", ")})${t.expiresAt ? `, expires ${t.expiresAt.toISOString()}` : ""}. It is shown once:`,
  );
  console.log(t.token);
} finally {
  await closeDb();
}

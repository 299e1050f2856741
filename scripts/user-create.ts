// npm run user:create -- --email ada@example.com [--name "Ada"] [--role admin|triager|viewer]
// The password comes from RESIDUE_USER_PASSWORD, or is generated and printed once.
import crypto from "node:crypto";
import { parseArgs } from "node:util";
import { closeDb } from "../lib/db";
import { openCliDatabase } from "./cli-database";
import { formatZodError } from "../lib/errors";
import { createUser } from "../lib/users/manage-users";
import { newUserSchema } from "../lib/users/schemas";

const { values } = parseArgs({
  options: { email: { type: "string" }, name: { type: "string" }, role: { type: "string" } },
});
const generated = !process.env.RESIDUE_USER_PASSWORD;
const password = process.env.RESIDUE_USER_PASSWORD ?? crypto.randomBytes(18).toString("base64url");
const input = newUserSchema.safeParse({
  email: values.email,
  name: values.name ?? values.email?.split("@")[0],
  role: values.role ?? "admin",
  password,
});
if (!input.success) {
  console.error(`Invalid arguments: ${formatZodError(input.error)}`);
  process.exit(2);
}
await openCliDatabase();
try {
  const user = await createUser({ kind: "system", label: "cli" }, input.data);
  console.error(`Created ${user.email} with role ${user.role}.`);
  if (generated) console.log(`Password (shown once): ${password}`);
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
} finally {
  await closeDb();
}

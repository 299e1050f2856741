// The database of a command-line tool (lib/db attachMigrated), or a one-line reason and exit code 1.
import { attachMigrated } from "../lib/db";

export async function openCliDatabase(): Promise<void> {
  try {
    await attachMigrated();
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  }
}

"use server";
import { slaSchema } from "../remediation/schemas";
import { setSlaDays } from "../remediation/sla";
import { action } from "./action";

export const setSlaAction = action(
  slaSchema,
  "admin",
  async (input, actor) => {
    await setSlaDays(actor, input);
    return { message: "SLA saved; open steps have new due dates." };
  },
  () => ["/remediation"],
);

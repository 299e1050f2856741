"use server";
import { z } from "zod";
import { sendTestWebhook } from "../webhooks/subscriptions";
import { action } from "./action";

export const testWebhookAction = action(
  z.string().min(1).max(64),
  "admin",
  async (id, actor) => {
    const r = await sendTestWebhook(actor, id);
    return {
      message: r.ok
        ? `The receiver answered ${r.status}.`
        : `The test was not accepted: ${r.error ?? "no answer"}. Check the URL and that it accepts POST.`,
      data: r,
    };
  },
  () => ["/admin/integrations"],
);

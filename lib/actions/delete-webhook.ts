"use server";
import { z } from "zod";
import { deleteWebhookSubscription } from "../webhooks/subscriptions";
import { action } from "./action";

export const deleteWebhookAction = action(
  z.string().min(1).max(64),
  "admin",
  async (id, actor) => {
    await deleteWebhookSubscription(actor, id);
  },
  () => ["/admin/integrations"],
);

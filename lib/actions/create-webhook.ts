"use server";
import { z } from "zod";
import { createWebhookSubscription, webhookSubscriptionSchema } from "../webhooks/subscriptions";
import { action, formList } from "./action";

// Checkboxes arrive once per ticked box; registries and repositories as one comma- or line-separated text.
const words = (v: unknown) =>
  typeof v === "string"
    ? v
        .split(/[\s,]+/)
        .map((x) => x.trim())
        .filter(Boolean)
    : v;
const createWebhookFormSchema = webhookSubscriptionSchema.extend({
  events: z.preprocess(formList, webhookSubscriptionSchema.shape.events),
  severities: z.preprocess(formList, webhookSubscriptionSchema.shape.severities),
  registries: z.preprocess(words, webhookSubscriptionSchema.shape.registries),
  repositories: z.preprocess(words, webhookSubscriptionSchema.shape.repositories),
});

export const createWebhookAction = action(
  createWebhookFormSchema,
  "admin",
  async (input, actor) => {
    const w = await createWebhookSubscription(actor, input);
    return { data: { name: w.name, signingKey: w.signingKey } };
  },
  () => ["/admin/integrations"],
);

"use server";
import { z } from "zod";
import { revokeApiToken } from "../auth/api-tokens";
import { action } from "./action";

export const revokeTokenAction = action(
  z.string().min(1).max(64),
  "admin",
  async (id, actor) => {
    await revokeApiToken(actor, id);
  },
  () => ["/admin/tokens"],
);

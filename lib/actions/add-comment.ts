"use server";
import { commentSchema } from "../triage/schemas";
import { addComment } from "../triage/triage-secrets";
import { action } from "./action";

export const addCommentAction = action(
  commentSchema,
  "triage",
  async (input, actor) => {
    await addComment(actor, input);
    return { message: "Comment added." };
  },
  (input) => [`/secrets/${input.secretId}`],
);

/**
 * The path of a secret found in an image's build history: the entry's position in the config's history, one name
 * whichever scanner found it (Residue's scanner, trufflehog's "image-metadata:history:<N>:created-by").
 */
export const historyPath = (position: number) => `history[${position}]`;

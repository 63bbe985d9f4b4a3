import { z } from 'zod';

/** The payload type of the DSSE envelope a release email carries (DESIGN.md "Release"). */
export const RELEASE_PAYLOAD_TYPE = 'application/vnd.marketplace.release+json';

/**
 * The outer shape of a DSSE envelope, enough to tell a release JSON from any other JSON file.
 * Signatures, keys and the statement inside are checked by @marketplace/release, not here.
 */
const dsseEnvelopeShape = z.object({
  payloadType: z.literal(RELEASE_PAYLOAD_TYPE),
  payload: z.string().min(1),
  signatures: z.array(z.object({ sig: z.string().min(1) }).loose()).min(1),
});

/** Null when `json` is a DSSE release envelope, otherwise what is wrong with it. */
export function releaseEnvelopeProblem(json: string): string | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    return `it is not JSON (${(error as Error).message})`;
  }
  const result = dsseEnvelopeShape.safeParse(value);
  if (result.success) return null;
  return `it is not a DSSE envelope with payloadType ${RELEASE_PAYLOAD_TYPE}, a payload and at least one signature`;
}

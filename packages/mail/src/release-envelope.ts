import * as z from 'zod';
import { lazySchema } from '@marketplace/release';

/** The payload type of the DSSE envelope a release email carries (DESIGN.md "Release"). */
export const RELEASE_PAYLOAD_TYPE = 'application/vnd.marketplace.release+json';
/** The payload type of the delivery statement beside it (which agent the release is for). */
export const DELIVERY_PAYLOAD_TYPE = 'application/vnd.marketplace.delivery+json';

/**
 * The outer shape of a DSSE envelope, enough to tell a release JSON from any other JSON file.
 * Signatures, keys and the statement inside are checked by @marketplace/release, not here.
 */
const dsseEnvelopeShape = lazySchema(() =>
  z.object({
    payloadType: z.string(),
    payload: z.string().min(1),
    signatures: z.array(z.object({ sig: z.string().min(1) }).loose()).min(1),
  }),
);

/** Null when `json` is a DSSE release envelope, otherwise what is wrong with it. */
export function releaseEnvelopeProblem(json: string): string | null {
  return envelopeProblem(json, RELEASE_PAYLOAD_TYPE);
}

/** Null when `json` is a DSSE envelope of `payloadType`, otherwise what is wrong with it. */
export function envelopeProblem(json: string, payloadType: string): string | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    return `it is not JSON (${(error as Error).message})`;
  }
  const result = dsseEnvelopeShape.safeParse(value);
  if (result.success && result.data.payloadType === payloadType) return null;
  return `it is not a DSSE envelope with payloadType ${payloadType}, a payload and at least one signature`;
}

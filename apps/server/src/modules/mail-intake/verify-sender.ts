
export type DnsResolver = (name: string, type: string) => Promise<unknown>;

/**
 * DKIM/DMARC verification (mailauth): the mail passes when DMARC passes for the From domain, or
 * when a DKIM signature of the From domain itself verifies. Returns the reason when it fails.
 */
export async function verifySender(raw: Buffer, envelopeFrom: string, resolver?: DnsResolver): Promise<{ ok: true } | { ok: false; reason: string }> {
  // mailauth (DKIM, SPF, DMARC, ARC) loads with the first mail it checks, not at start-up.
  const { authenticate } = await import('mailauth');
  const result = await authenticate(raw, { sender: envelopeFrom || undefined, disableArc: true, disableBimi: true, ...(resolver ? { resolver: resolver as never } : {}) } as never);
  const dmarc = (result as { dmarc?: { status?: { result?: string }; domain?: string } }).dmarc;
  if (dmarc?.status?.result === 'pass') return { ok: true };
  const fromDomain = dmarc?.domain?.toLowerCase();
  const dkim = (result as { dkim?: { results?: { status?: { result?: string }; signingDomain?: string }[] } }).dkim?.results ?? [];
  if (fromDomain && dkim.some((r) => r.status?.result === 'pass' && r.signingDomain?.toLowerCase() === fromDomain)) return { ok: true };
  return { ok: false, reason: `DMARC ${dmarc?.status?.result ?? 'none'}, DKIM ${dkim.map((r) => r.status?.result).join('/') || 'none'}` };
}

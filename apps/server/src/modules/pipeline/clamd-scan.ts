import { Readable } from 'node:stream';
import { notice } from '../../http/notice.js';
import type { ScannerVerdict } from './scanner.js';

export interface ClamdSettings {
  host: string;
  port: number;
  timeoutMs?: number;
}

/**
 * Antivirus scan of the bundle through a clamd daemon (INSTREAM). clamd looks inside the .tgz itself.
 * An unreachable daemon throws, so the step is retried rather than passing unscanned.
 */
export async function scanWithClamd(bundle: Buffer, settings: ClamdSettings): Promise<ScannerVerdict> {
  const { default: NodeClam } = await import('clamscan');
  const clam = await new NodeClam().init({
    removeInfected: false,
    preference: 'clamdscan',
    clamscan: { active: false },
    clamdscan: { host: settings.host, port: settings.port, timeout: settings.timeoutMs ?? 60_000, localFallback: false, active: true },
  });
  const result = await clam.scanStream(Readable.from([bundle]));
  if (result.isInfected) {
    const threats = (result.viruses ?? []).join(', ');
    return { name: 'clamav', verdict: 'flagged', detail: `clamd found ${threats || 'a threat'} in the bundle`, notice: notice('scan.threatFound', { threats }) };
  }
  return { name: 'clamav', verdict: 'clean', detail: 'clamd found nothing', notice: notice('scan.noThreat') };
}

import { Splitter } from '@zone-eu/mailsplit';
import type { MailLimits } from './limits.js';

export interface MimeStructure {
  parts: number;
  depth: number;
  attachments: number;
}

export type MimeScanResult = { ok: true; structure: MimeStructure } | { ok: false; code: 'MALFORMED_MIME' | 'TOO_LARGE'; message: string };

interface SplitterNode {
  type: 'node';
  parentNode: SplitterNode | false;
  multipart: string | false;
  _boundary: Buffer | false;
  filename: string | false;
  disposition: string | false;
}

/**
 * Walks the MIME tree without decoding any body (mailsplit's splitter) and stops at the first
 * limit crossed: part count, nesting depth, attachment count, header size. Runs before mailparser
 * decodes attachments, so a hostile message costs one linear pass.
 */
export function scanMimeStructure(raw: Buffer, limits: Readonly<MailLimits>): Promise<MimeScanResult> {
  return new Promise((resolve) => {
    const splitter = new Splitter({ maxHeadSize: limits.maxHeaderBytes, maxChildNodes: limits.maxMimeParts });
    const structure: MimeStructure = { parts: 0, depth: 0, attachments: 0 };
    let settled = false;
    const finish = (result: MimeScanResult): void => {
      if (settled) return;
      settled = true;
      if (!result.ok) splitter.destroy();
      resolve(result);
    };
    splitter.on('data', (chunk: { type: string }) => {
      if (chunk.type !== 'node') return;
      const node = chunk as unknown as SplitterNode;
      structure.parts += 1;
      const depth = depthOf(node);
      structure.depth = Math.max(structure.depth, depth);
      if (depth > limits.maxNestingDepth) {
        finish({ ok: false, code: 'TOO_LARGE', message: `MIME parts are nested ${depth} deep, over the limit of ${limits.maxNestingDepth}` });
        return;
      }
      if (node.multipart && !node._boundary) {
        finish({ ok: false, code: 'MALFORMED_MIME', message: `a multipart/${node.multipart} part has no boundary parameter, so its parts cannot be told apart` });
        return;
      }
      if (node.filename || node.disposition === 'attachment') {
        structure.attachments += 1;
        if (structure.attachments > limits.maxAttachments) {
          finish({ ok: false, code: 'TOO_LARGE', message: `the message has more than ${limits.maxAttachments} attachments` });
        }
      }
    });
    const events = splitter as unknown as NodeJS.EventEmitter;
    events.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'EMAXLEN') {
        finish({ ok: false, code: 'TOO_LARGE', message: `${error.message} (limits: ${limits.maxMimeParts} parts, ${limits.maxHeaderBytes} header bytes)` });
      } else {
        finish({ ok: false, code: 'MALFORMED_MIME', message: `its MIME structure cannot be read: ${error.message}` });
      }
    });
    events.on('end', () => finish({ ok: true, structure }));
    splitter.end(raw);
  });
}

function depthOf(node: SplitterNode): number {
  let depth = 0;
  for (let parent = node.parentNode; parent; parent = parent.parentNode) depth += 1;
  return depth;
}

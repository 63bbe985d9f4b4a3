// The subset of clamscan 2.x we use (the package ships no types).
declare module 'clamscan' {
  import type { Readable } from 'node:stream';
  interface ScanResult {
    isInfected: boolean | null;
    viruses?: string[];
  }
  interface NodeClamInstance {
    scanStream(stream: Readable): Promise<ScanResult>;
  }
  export default class NodeClam {
    init(options: Record<string, unknown>): Promise<NodeClamInstance>;
  }
}

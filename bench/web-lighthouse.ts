/**
 * Lighthouse mobile scores (cold cache, signed in) of the catalog, an app page and the chat, against
 * a baseline in the same run: a bare Fastify page (one heading, a meta description, no script)
 * audited by the same Chromium under the same throttling — what a page costs when it costs nothing.
 * Pages and baseline alternate; the median of `runs` rounds is reported. Lighthouse runs Chromium
 * in its own processes; the server runs here.
 *
 *   node --import tsx bench/web-lighthouse.ts [runs=3]
 *
 * Goals (issue 15): performance ≥ 95 on each page; accessibility, best practices and SEO 100.
 */
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { auditPages, startAuditedServer, type PageScores } from '../apps/server/test/lighthouse-audit.js';
import { chromiumAvailable } from '../apps/server/test/web-browser.js';

const runs = Number(process.argv[2] ?? 3);
if (!chromiumAvailable()) process.exit(0);

const server = await startAuditedServer();

const bare = Fastify();
bare.get('/', async (_request, reply) =>
  reply
    .type('text/html; charset=utf-8')
    .send('<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="description" content="Baseline page"><title>Baseline</title></head><body><main><h1>Baseline</h1></main></body></html>'),
);
await bare.listen({ port: 0, host: '127.0.0.1' });
const bareBase = `http://127.0.0.1:${(bare.server.address() as AddressInfo).port}`;

const pages = [
  { name: 'catalog', path: '/' },
  { name: 'app-page', path: `/apps/${server.appId}` },
  { name: 'chat', path: '/chat' },
];
const rounds: { pages: PageScores[]; baseline: PageScores }[] = [];
for (let round = 0; round < runs; round += 1) {
  const [baseline] = await auditPages(bareBase, [{ name: 'baseline', path: '/' }]);
  rounds.push({ pages: await auditPages(server.base, pages, server.cookies), baseline: baseline! });
}
await bare.close();
await server.close();

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const baselinePerformance = median(rounds.map((round) => round.baseline.scores.performance));
const baselineFcp = median(rounds.map((round) => round.baseline.firstContentfulPaintMs));
console.log(`Lighthouse, mobile profile, cold cache, signed in — median of ${runs} rounds`);
console.log(`baseline (bare page): performance ${baselinePerformance}, FCP ${baselineFcp} ms`);
console.log('page       perf  vs bare  a11y  best  seo   FCP (ms)  KiB   goal perf ≥ 95, others 100');
let missed = 0;
for (const page of pages) {
  const of = rounds.map((round) => round.pages.find((p) => p.name === page.name)!);
  const score = (category: keyof PageScores['scores']) => median(of.map((p) => p.scores[category]));
  const performance = score('performance');
  const ok = performance >= 95 && score('accessibility') === 100 && score('best-practices') === 100 && score('seo') === 100;
  if (!ok) missed += 1;
  console.log(
    `${page.name.padEnd(10)} ${String(performance).padStart(4)}  ${(performance / Math.max(1, baselinePerformance)).toFixed(2).padStart(6)}×  ${String(score('accessibility')).padStart(4)}  ${String(score('best-practices')).padStart(4)}  ${String(score('seo')).padStart(3)}  ${String(median(of.map((p) => p.firstContentfulPaintMs))).padStart(8)}  ${String(median(of.map((p) => p.transferredKb))).padStart(4)}   ${ok ? 'met' : 'MISSED'}`,
  );
}
console.log(missed ? `${missed} of ${pages.length} pages miss the goal` : 'every page meets the goal');

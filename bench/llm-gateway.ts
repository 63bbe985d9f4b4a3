/**
 * Added latency of the LLM gateway: N calls through `generateText` against a local server that
 * replays a recorded OpenAI Chat Completions response, against the same calls made directly
 * with fetch (and, for reference, with the AI SDK's own generateText), plus the latency
 * of a cache hit. Rounds are interleaved so drift on a shared machine hits all series alike.
 *
 *   node --import tsx bench/llm-gateway.ts [callsPerRound=400] [rounds=5]
 *
 * Goals: added p50 ≤ 1 ms over direct HTTP; cache hit p50 ≤ 2 ms.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createOpenAI } from '@ai-sdk/openai';
import { createLlmGateway } from '@marketplace/llm';
import { generateText } from 'ai';

const callsPerRound = Number(process.argv[2] ?? 400);
const rounds = Number(process.argv[3] ?? 5);
const recorded = readFileSync(new URL('../packages/llm/test/fixtures/openai/chat-completion.json', import.meta.url), 'utf8');

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(recorded));
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;

const system = 'You help employees describe internal tools. Answer in two sentences.';
const messages = [{ role: 'user' as const, content: 'I need something to track unpaid invoices by customer.' }];
const provider = { id: 'openai', kind: 'openai' as const, apiKey: 'sk-bench-0123456789', baseURL, defaultModel: 'gpt-4o-mini' };
const builtin = () => ({ text: 'offline' });
const uncached = createLlmGateway({ providers: [provider], builtin, cache: false });
const cached = createLlmGateway({ providers: [provider], builtin });
const sdkModel = createOpenAI({ baseURL, apiKey: provider.apiKey }).chat('gpt-4o-mini');
const request = { task: 'chat' as const, orgId: 'org-bench', userId: 'user-bench', system, messages };

const series = {
  direct: async () => {
    const response = await fetch(`${baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${provider.apiKey}` },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'system', content: system }, ...messages] }),
    });
    const json = (await response.json()) as { choices: { message: { content: string } }[] };
    if (!json.choices[0]?.message.content) throw new Error('direct call returned no text');
  },
  sdk: async () => {
    const result = await generateText({ model: sdkModel, system, messages, maxRetries: 0 });
    if (!result.text) throw new Error('SDK call returned no text');
  },
  gateway: async () => {
    const result = await uncached.generateText(request);
    if (result.provider !== 'openai') throw new Error(`gateway answered from ${result.provider}`);
  },
  cacheHit: async () => {
    const result = await cached.generateText(request);
    if (!result.cacheHit) throw new Error('expected a cache hit');
  },
};
type Series = keyof typeof series;

await cached.generateText(request); // fills the cache
const samples: Record<Series, number[]> = { direct: [], sdk: [], gateway: [], cacheHit: [] };
for (const name of Object.keys(series) as Series[]) for (let i = 0; i < 200; i++) await series[name](); // warm-up
const started = performance.now();
for (let round = 0; round < rounds; round++) {
  for (const name of Object.keys(series) as Series[]) {
    for (let i = 0; i < callsPerRound; i++) {
      const t0 = performance.now();
      await series[name]();
      samples[name].push(performance.now() - t0);
    }
  }
}
const elapsedS = (performance.now() - started) / 1000;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
};
const stats = Object.fromEntries((Object.keys(samples) as Series[]).map((name) => [name, { p50: percentile(samples[name], 0.5), p99: percentile(samples[name], 0.99) }])) as Record<Series, { p50: number; p99: number }>;
const ms = (v: number) => `${v.toFixed(3)} ms`;

console.log(`LLM gateway latency — ${callsPerRound * rounds} calls per series against a local recorded OpenAI server, ${elapsedS.toFixed(1)} s`);
console.log('series                     p50          p99');
for (const [name, label] of [
  ['direct', 'direct HTTP (fetch)'],
  ['sdk', 'AI SDK generateText (ref.)'],
  ['gateway', 'gateway, cache off'],
  ['cacheHit', 'gateway, cache hit'],
] as const) {
  console.log(`${label.padEnd(26)} ${ms(stats[name].p50).padEnd(12)} ${ms(stats[name].p99)}`);
}
const added = stats.gateway.p50 - stats.direct.p50;
console.log(`added by gateway over direct HTTP: p50 ${ms(added)} (ratio ${(stats.gateway.p50 / stats.direct.p50).toFixed(2)}x), p99 ${ms(stats.gateway.p99 - stats.direct.p99)} — goal p50 ≤ 1 ms: ${added <= 1 ? 'met' : 'NOT met'}`);
console.log(`  for reference, the AI SDK's generateText adds p50 ${ms(stats.sdk.p50 - stats.direct.p50)}; the gateway drives the same provider models through doGenerate`);
console.log(`cache hit: p50 ${ms(stats.cacheHit.p50)}, p99 ${ms(stats.cacheHit.p99)} (ratio to direct ${(stats.cacheHit.p50 / stats.direct.p50).toFixed(2)}x) — goal p50 ≤ 2 ms: ${stats.cacheHit.p50 <= 2 ? 'met' : 'NOT met'}`);

await uncached.close();
await cached.close();
server.close();

import { join } from 'node:path';
import { readJsonFile, writeFileAtomic } from './lib/files.mjs';
import { t } from './lib/i18n.mjs';
import { itemsFromAnswer, mcpToolLabel } from './lib/mcp.mjs';
import { itemId, readSource } from './lib/sources.mjs';

const REMEMBERED_PER_SOURCE = 5000;

function summarise(items) {
  return items
    .slice(0, 50)
    .map((item) => `- ${item.title ?? item.name ?? item.id ?? JSON.stringify(item).slice(0, 120)}${item.link ? ` ${item.link}` : ''}`)
    .join('\n');
}

/**
 * One run of the automation: read every source (and call every MCP tool declared as a source,
 * through the deploy agent, with the arguments its spec fixes), keep only the items not seen in an earlier run (identities are kept in
 * <dataDir>/seen.json), and send the new ones to the outputs and the MCP tools declared as outputs.
 */
export function createJob(definition, config, notify, mcp) {
  const seenFile = join(config.dataDir, 'seen.json');
  const tools = definition.mcpTools ?? [];
  const readers = [
    ...definition.sources.map((source) => ({ key: source.setting, label: source.label, read: async () => (await readSource(source, config.settings[source.setting], config.dataDir)).items })),
    ...tools.filter((tool) => tool.use === 'source').map((tool) => ({ key: `mcp:${tool.server}/${tool.tool}`, label: mcpToolLabel(tool, 'source'), read: async () => itemsFromAnswer(await mcp.call(tool, { ...tool.arguments })) })),
  ];

  async function callOutputs(message) {
    const results = [];
    for (const tool of tools.filter((candidate) => candidate.use === 'output')) {
      try {
        // the arguments the spec fixes win: the marketplace refuses a call without them
        await mcp.call(tool, { subject: message.subject, text: message.text, items: message.data.items.slice(0, 500), ...tool.arguments });
        results.push({ type: 'mcp', ok: true, detail: t('mcp.called', { tool: `${tool.server}/${tool.tool}` }) });
      } catch (error) {
        results.push({ type: 'mcp', ok: false, detail: error.message });
      }
    }
    return results;
  }

  return async function runJob() {
    const seen = await readJsonFile(seenFile, {});
    const fresh = [];
    const sources = [];
    for (const reader of readers) {
      const known = new Set(Object.hasOwn(seen, reader.key) ? seen[reader.key] : []);
      try {
        const items = await reader.read();
        const added = items.filter((item) => !known.has(itemId(item)));
        fresh.push(...added);
        seen[reader.key] = [...known, ...added.map(itemId)].slice(-REMEMBERED_PER_SOURCE);
        sources.push({ label: reader.label, fetched: items.length, new: added.length });
      } catch (error) {
        sources.push({ label: reader.label, fetched: 0, new: 0, error: error.message });
      }
    }
    const message = { subject: t('automation.mailSubject', { title: definition.title, count: fresh.length }), text: summarise(fresh), data: { items: fresh } };
    const notifications = fresh.length ? [...(await notify(message)), ...(await callOutputs(message))] : [];
    await writeFileAtomic(seenFile, JSON.stringify(seen, null, 2));
    const failed = sources.filter((source) => source.error);
    if (failed.length > 0 && failed.length === sources.length) {
      throw Object.assign(new Error(failed.map((source) => `${source.label}: ${source.error}`).join('; ')), { details: { newItems: 0, sources } });
    }
    return { newItems: fresh.length, sources, notifications };
  };
}

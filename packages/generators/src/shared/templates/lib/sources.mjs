/* global fetch, AbortSignal */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { parseCsv } from './csv-read.mjs';
import { resolveInDataDir } from './files.mjs';
import { t } from './i18n.mjs';

const FETCH_TIMEOUT_MS = 15_000;
const MAX_ITEMS = 5000;

async function fetchText(url, accept) {
  let response;
  try {
    response = await fetch(url, { headers: { accept }, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  } catch (error) {
    throw new Error(t('sources.couldNotFetch', { url, error: error.cause?.message ?? error.message }));
  }
  if (!response.ok) throw new Error(t('sources.answered', { url, status: response.status, statusText: response.statusText }));
  return response.text();
}

function asObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : { value };
}

/** A JSON document: an array of items, or an object holding one (items, data, results, entries…). */
export function itemsFromJson(document) {
  if (Array.isArray(document)) return document.map(asObject);
  if (document && typeof document === 'object') {
    for (const key of ['items', 'data', 'results', 'entries', 'records', 'rows']) {
      if (Array.isArray(document[key])) return document[key].map(asObject);
    }
    const firstArray = Object.values(document).find(Array.isArray);
    if (firstArray) return firstArray.map(asObject);
    return [document];
  }
  return [];
}

function text(value) {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return text(value['#text'] ?? value['@_href'] ?? '');
  return String(value).trim();
}

function toArray(value) {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Items of an RSS 2.0, RSS 1.0 (RDF) or Atom feed as { id, title, link, published, summary }. */
export function itemsFromFeed(xml) {
  const document = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_' }).parse(xml);
  const rssItems = toArray(document.rss?.channel?.item ?? document['rdf:RDF']?.item);
  if (rssItems.length > 0 || document.rss) {
    return rssItems.map((item) => ({
      id: text(item.guid) || text(item.link) || text(item.title),
      title: text(item.title),
      link: text(item.link),
      published: text(item.pubDate ?? item['dc:date']),
      summary: text(item.description),
    }));
  }
  return toArray(document.feed?.entry).map((entry) => {
    const links = toArray(entry.link);
    const link = links.find((candidate) => !candidate['@_rel'] || candidate['@_rel'] === 'alternate') ?? links[0];
    return {
      id: text(entry.id) || text(link),
      title: text(entry.title),
      link: text(link),
      published: text(entry.published ?? entry.updated),
      summary: text(entry.summary ?? entry.content),
    };
  });
}

/** A stable identity for an item, used to recognise items already seen in earlier runs. */
export function itemId(item) {
  for (const key of ['id', 'guid', 'uuid', 'link', 'url']) {
    if (Object.hasOwn(item, key) && item[key] !== '' && item[key] !== null && typeof item[key] !== 'object') {
      return `${key}:${item[key]}`;
    }
  }
  return `sha256:${createHash('sha256').update(JSON.stringify(item)).digest('hex')}`;
}

/**
 * Reads one source of the app. `location` is the URL or data-directory path from its setting.
 * Returns { items, columns? }; throws an Error whose message says what failed.
 */
export async function readSource(source, location, dataDir) {
  if (!location) throw new Error(t(source.setting.endsWith('_PATH') ? 'sources.notSetPath' : 'sources.notSetUrl', { setting: source.setting, type: source.type }));
  let items;
  let columns;
  if (source.type === 'http-json') {
    items = itemsFromJson(JSON.parse(await fetchText(location, 'application/json')));
  } else if (source.type === 'rss') {
    items = itemsFromFeed(await fetchText(location, 'application/rss+xml, application/atom+xml, application/xml, text/xml'));
  } else if (source.type === 'csv' && source.workstation) {
    // a file the deploy agent granted outside the data directory: read only, by its absolute path
    if (!isAbsolute(location)) throw new Error(t('sources.notAbsolute', { setting: source.setting, location }));
    ({ columns, rows: items } = parseCsv(await readFile(location, 'utf8')));
  } else if (source.type === 'csv') {
    const csv = /^https?:\/\//i.test(location)
      ? await fetchText(location, 'text/csv')
      : await readFile(resolveInDataDir(dataDir, location), 'utf8');
    ({ columns, rows: items } = parseCsv(csv));
  } else {
    throw new Error(t('sources.unsupported', { type: source.type }));
  }
  return { items: items.slice(0, MAX_ITEMS), columns };
}

import type { Db } from '../../db/schema.js';
import { searchCatalog } from '../catalog/catalog-views.js';

/** How many of the latest apps a feed lists. */
export const FEED_ITEMS = 50;

/**
 * The organisation's catalog as a feed: one entry per app, newest change first, linking to its page.
 * Written by the `feed` package (Atom 1.0 or JSON Feed 1.1); the feed's own URL appears without
 * the token, so a shared entry or self link never carries it.
 */
export async function catalogFeed(db: Db, org: { orgId: string; orgName: string }, publicUrl: string, format: 'atom' | 'json'): Promise<string> {
  // The feed writer (and its XML library) loads with the first feed asked for, not at start-up (decision 0054).
  const { Feed } = await import('feed');
  const { items } = await searchCatalog(db, org.orgId, { sort: 'newest', limit: FEED_ITEMS, offset: 0 });
  const feed = new Feed({
    id: `${publicUrl}/`,
    title: `${org.orgName} — app catalog`,
    description: `Apps published in ${org.orgName}'s marketplace`,
    link: `${publicUrl}/`,
    updated: items[0] ? new Date(items[0].updatedAt) : new Date(0),
    generator: 'marketplace',
    feedLinks: { atom: `${publicUrl}/api/v1/feeds/catalog.atom`, json: `${publicUrl}/api/v1/feeds/catalog.json` },
    copyright: org.orgName,
  });
  for (const app of items) {
    const link = `${publicUrl}/apps/${app.id}`;
    feed.addItem({
      id: `${link}#${app.latestVersion ?? ''}`,
      title: app.latestVersion ? `${app.title} ${app.latestVersion}` : app.title,
      link,
      date: new Date(app.updatedAt),
      description: app.summary,
      category: [{ name: app.kind }, ...app.tags.map((tag) => ({ name: tag }))],
      ...(app.authorName ? { author: [{ name: app.authorName }] } : {}),
    });
  }
  return format === 'atom' ? feed.atom1() : feed.json1();
}

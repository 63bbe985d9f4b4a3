import { dsseEnvelopeSchema, releaseStatementSchema } from '@marketplace/release';
import { describeChanges, diffSpecs, parseAppSpec, type AppSpec } from '@marketplace/spec';
import type { Db } from '../../db/schema.js';

/** The spec of the app's latest published version in the organisation, if it has one and it still parses. */
async function latestSpec(db: Db, orgId: string, name: string): Promise<AppSpec | null> {
  const row = await db
    .selectFrom('apps')
    .innerJoin('app_versions', (join) => join.onRef('app_versions.app_id', '=', 'apps.id').onRef('app_versions.version', '=', 'apps.latest_version'))
    .select('app_versions.spec')
    .where('apps.org_id', '=', orgId)
    .where('apps.name', '=', name)
    .executeTakeFirst();
  if (!row) return null;
  const parsed = parseAppSpec(row.spec);
  return parsed.ok ? parsed.spec : null;
}

/**
 * What a new version changes, in words and in the app's language: the difference between the
 * latest published version's spec and this one ("Added the field “Notes”."), or the summary for a
 * first version. Never the chat messages themselves.
 */
export async function changelogFor(db: Db, orgId: string, spec: AppSpec): Promise<string> {
  const language = spec.language ?? 'en';
  const previous = await latestSpec(db, orgId, spec.name);
  if (!previous) return language === 'pl' ? `Pierwsza wersja. ${spec.summary}`.trim() : `First version. ${spec.summary}`.trim();
  const changes = describeChanges(diffSpecs(previous, spec), language, { before: previous, after: spec });
  if (changes) return changes;
  return language === 'pl' ? 'Bez zmian w specyfikacji; aplikacja zbudowana ponownie.' : 'No change to the spec; the app was built again.';
}

/**
 * The changelog of a version built on someone's word who is not its requester (a reporter's change built
 * on an owner's behalf): "… Requested by Ann Example." — the name only, never the address.
 */
export async function changelogRequestedBy(db: Db, changelog: string, requestedBy: string | null, language: string): Promise<string> {
  if (!requestedBy) return changelog;
  const user = await db.selectFrom('users').select(['name']).where('id', '=', requestedBy).executeTakeFirst();
  const name = user?.name.trim() || (language === 'pl' ? 'zgłaszający' : 'the reporter');
  return `${changelog} ${language === 'pl' ? `Na prośbę: ${name}.` : `Requested by ${name}.`}`;
}

/** The changelog the signed release statement carries (what the catalog shows is what was signed). */
export function signedChangelog(releaseJson: string): string | null {
  try {
    const envelope = dsseEnvelopeSchema.parse(JSON.parse(releaseJson));
    const statement = releaseStatementSchema.parse(JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')));
    return statement.changelog ?? null;
  } catch {
    return null;
  }
}

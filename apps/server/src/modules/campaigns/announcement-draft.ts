import type { Config } from '../../config/config.js';
import type { Db } from '../../db/schema.js';
import { renderTemplate } from '../outgoing-mail/mail-templates.js';
import type { CampaignLanguage } from './campaigns-tables.js';

/** What an announcement says about the app: taken from the catalog when the campaign is created. */
export interface AnnouncedApp {
  title: string;
  name: string;
  summary: string;
  version: string;
  changelog: string | null;
  /** The app's page in the web marketplace. */
  url: string;
}

export interface AnnouncementDraft {
  subject: string;
  body: string;
}

const MAX_CHANGELOG_CHARS = 2000;

/**
 * The built-in announcement in one language, from the app's name, summary and changelog. The one
 * place a draft is written: organisation mail templates (kind `announcement`) can take its place
 * behind this signature. The owner edits the result per language before scheduling.
 */
export function announcementDraft(app: AnnouncedApp, language: CampaignLanguage): AnnouncementDraft {
  const changelog = app.changelog?.trim().slice(0, MAX_CHANGELOG_CHARS) ?? '';
  if (language === 'pl') {
    return {
      subject: `Nowa aplikacja: ${app.title} ${app.version}`,
      body: [
        'Dzień dobry,',
        '',
        `udostępniamy aplikację „${app.title}” (${app.name}) w wersji ${app.version}.`,
        '',
        app.summary,
        ...(changelog ? ['', 'Co nowego:', changelog] : []),
        '',
        `Szczegóły i instalacja: ${app.url}`,
        '',
        'Pozdrawiamy',
      ].join('\n'),
    };
  }
  return {
    subject: `New app: ${app.title} ${app.version}`,
    body: [
      'Hello,',
      '',
      `${app.title} (${app.name}) version ${app.version} is now available to you.`,
      '',
      app.summary,
      ...(changelog ? ['', 'What is new:', changelog] : []),
      '',
      `Details and installation: ${app.url}`,
      '',
      'Best regards',
    ].join('\n'),
  };
}

/**
 * The draft a campaign starts from: the built-in announcement put through the organisation's
 * `announcement` mail template (its subject and body around the text, its required footer), so an
 * organisation words every campaign's frame once on Admin → Mail templates.
 */
export async function templatedAnnouncement(deps: { db: Db; config: Pick<Config, 'publicUrl'> }, orgId: string, app: AnnouncedApp, language: CampaignLanguage): Promise<AnnouncementDraft> {
  const built = announcementDraft(app, language);
  const rendered = await renderTemplate(deps, orgId, 'announcement', language, { title: built.subject, text: built.body, link: app.url });
  return { subject: rendered.subject, body: rendered.text };
}

import { describe, expect, it } from 'vitest';
import { announcementDraft } from './announcement-draft.js';
import { campaignMessageId, legacyCampaignRecipientOf, legacyCampaignReturnPath } from './campaign-mail-address.js';

const FROM = 'Marketplace <marketplace@acme.test>';
const SECRET = 'a-secret-long-enough-for-the-tests-0123456789';
const ID = '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f';

describe('campaign return paths of the form before decision 0046', () => {
  it('are read back only with the right tag, whatever the case, in the server\'s own domain', () => {
    const path = legacyCampaignReturnPath(FROM, SECRET, ID);
    expect(path).toMatch(/^marketplace\+b6f1c2d3e4b5a4c7d8e9f0a1b2c3d4e5f[0-9a-f]{12}@acme\.test$/);
    expect(legacyCampaignRecipientOf(FROM, SECRET, path)).toBe(ID);
    expect(legacyCampaignRecipientOf(FROM, SECRET, path.toUpperCase())).toBe(ID);
    expect(legacyCampaignRecipientOf(FROM, 'another-secret-another-secret-another', path)).toBeNull();
    expect(legacyCampaignRecipientOf(FROM, SECRET, path.replace('@acme.test', '@elsewhere.test'))).toBeNull();
    expect(legacyCampaignRecipientOf(FROM, SECRET, 'marketplace+tokenabc@acme.test')).toBeNull();
    expect(campaignMessageId(FROM, ID)).toBe(`<campaign.${ID}@acme.test>`);
  });
});

describe('announcementDraft', () => {
  const app = { title: 'Room booking', name: 'room-booking', summary: 'Book rooms.', version: '1.2.0', changelog: 'Adds a calendar.', url: 'https://mp.test/apps/1' };
  it('writes English and Polish from the name, summary, changelog and link', () => {
    const en = announcementDraft(app, 'en');
    const pl = announcementDraft(app, 'pl');
    expect(en.subject).toBe('New app: Room booking 1.2.0');
    expect(pl.subject).toBe('Nowa aplikacja: Room booking 1.2.0');
    for (const draft of [en, pl]) for (const part of ['Book rooms.', 'Adds a calendar.', 'https://mp.test/apps/1']) expect(draft.body).toContain(part);
    expect(pl.body).toContain('Co nowego:');
    expect(announcementDraft({ ...app, changelog: null }, 'en').body).not.toContain('What is new');
  });
});

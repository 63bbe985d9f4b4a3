/** The languages a release e-mail's own sections are written in. */
export const RELEASE_EMAIL_LANGUAGES = ['en', 'pl'] as const;
export type ReleaseEmailLanguage = (typeof RELEASE_EMAIL_LANGUAGES)[number];

/** What the words need: file names, sizes and hashes are put in verbatim, commands are never translated. */
export interface ReleaseWordsInput {
  org: string;
  app: string;
  title: string;
  version: string;
  signerKeyId: string;
  sha256: string;
  bundleFileName: string;
  envelopeFileName: string;
  size: string;
  downloadUrl?: string | undefined;
}

export interface ReleaseWords {
  subject: string;
  byline: string;
  whatItDoes: string;
  whatsNew: string;
  noChanges: string;
  checks: string;
  validation: string;
  scan: string;
  signed: string;
  bundleHash: string;
  files: string;
  bundleWhere: string;
  withAgent: string;
  agentReads: string;
  agentByHand: string;
  withoutAgent: string;
  checkHash: string;
  unpack: string;
  preferAgent: string;
}

/** The release e-mail's sections in each language (the organisation's template gives the subject and opening paragraph). */
export const RELEASE_WORDS: Record<ReleaseEmailLanguage, (f: ReleaseWordsInput) => ReleaseWords> = {
  en: (f) => ({
    subject: `${f.title} ${f.version} is ready to install (${f.org})`,
    byline: `${f.title} ${f.version} (${f.app}), published by ${f.org}.`,
    whatItDoes: 'What it does',
    whatsNew: "What's new",
    noChanges: 'First release, or no changes were noted.',
    checks: 'Checks',
    validation: 'Validation',
    scan: 'Security scan',
    signed: `Signed with the ${f.org} release key ${f.signerKeyId}.`,
    bundleHash: `Bundle sha256: ${f.sha256}`,
    files: 'Files',
    bundleWhere: f.downloadUrl
      ? `The bundle ${f.bundleFileName} (${f.size}) is too large to attach: download it from ${f.downloadUrl} and keep it beside the attached ${f.envelopeFileName}.`
      : `Attached: the bundle ${f.bundleFileName} (${f.size}) and its signed release ${f.envelopeFileName}.`,
    withAgent: 'Install with the deploy agent',
    agentReads: 'If the deploy agent reads this mailbox it installs this release by itself, after checking the signature, the hash and your policy, and reports back.',
    agentByHand: 'To install it by hand with the agent (checked the same way, and logged as your own choice), save both files in one folder and run:',
    withoutAgent: 'Install by hand without the agent',
    checkHash: `1. Check the bundle: the command below must print ${f.sha256}.`,
    unpack: '2. Unpack it into a new folder, then read app.json there: "start" is the command that runs the app (Node.js 20 or newer), "port" and "health" say where it answers.',
    preferAgent: 'Without the agent nothing checks the signature or your policy: prefer the agent.',
  }),
  pl: (f) => ({
    subject: `${f.title} ${f.version} – gotowa do instalacji (${f.org})`,
    byline: `${f.title} ${f.version} (${f.app}), opublikowana przez ${f.org}.`,
    whatItDoes: 'Co robi',
    whatsNew: 'Co nowego',
    noChanges: 'Pierwsze wydanie albo nie odnotowano zmian.',
    checks: 'Kontrole',
    validation: 'Walidacja',
    scan: 'Skan bezpieczeństwa',
    signed: `Podpisano kluczem wydań ${f.org}: ${f.signerKeyId}.`,
    bundleHash: `Suma sha256 paczki: ${f.sha256}`,
    files: 'Pliki',
    bundleWhere: f.downloadUrl
      ? `Paczka ${f.bundleFileName} (${f.size}) jest za duża na załącznik: pobierz ją z ${f.downloadUrl} i zapisz obok załączonego pliku ${f.envelopeFileName}.`
      : `W załącznikach: paczka ${f.bundleFileName} (${f.size}) i jej podpisane wydanie ${f.envelopeFileName}.`,
    withAgent: 'Instalacja agentem wdrożeń',
    agentReads: 'Jeśli agent wdrożeń czyta tę skrzynkę, zainstaluje to wydanie sam – po sprawdzeniu podpisu, sumy kontrolnej i zasad organizacji – i wyśle raport.',
    agentByHand: 'Aby zainstalować je ręcznie agentem (sprawdzane tak samo i zapisane jako Twoja decyzja), zapisz oba pliki w jednym folderze i uruchom:',
    withoutAgent: 'Instalacja ręczna bez agenta',
    checkHash: `1. Sprawdź paczkę: poniższe polecenie musi wypisać ${f.sha256}.`,
    unpack: '2. Rozpakuj ją do nowego folderu i przeczytaj tam app.json: "start" to polecenie uruchamiające aplikację (Node.js 20 lub nowszy), "port" i "health" mówią, gdzie odpowiada.',
    preferAgent: 'Bez agenta nikt nie sprawdza podpisu ani zasad organizacji: lepiej użyć agenta.',
  }),
};

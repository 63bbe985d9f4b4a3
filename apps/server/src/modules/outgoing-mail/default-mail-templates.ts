import type { MailKind, MailLanguage } from './mail-template-kinds.js';

export interface MailTemplateText {
  subject: string;
  body: string;
}

/** The built-in wording of every mail kind, in every language; an organisation may override each (mail_templates). */
export const DEFAULT_MAIL_TEMPLATES: Record<MailKind, Record<MailLanguage, MailTemplateText>> = {
  release: {
    en: { subject: '{{title}} {{version}} is ready to install ({{org}})', body: '{{title}} {{version}} ({{app}}), published by {{org}}.\n{{footer}}' },
    pl: { subject: '{{title}} {{version}} jest gotowa do instalacji ({{org}})', body: '{{title}} {{version}} ({{app}}), opublikowana przez {{org}}.\n{{footer}}' },
  },
  'approval-publish': {
    en: {
      subject: 'Review needed: {{appName}}',
      body: 'A request to publish {{appName}} {{version}} waits for your review.\n\n{{reasons}}\n\nHosts it reaches: {{hosts}}\n\nOpen this link to approve or reject it (it works once, for you only, for {{hours}} hours):\n{{link}}\n\nOr decide on the Approvals page: {{approvalsUrl}}\n{{footer}}',
    },
    pl: {
      subject: 'Prośba o akceptację: {{appName}}',
      body: 'Prośba o opublikowanie {{appName}} {{version}} czeka na Twoją decyzję.\n\n{{reasons}}\n\nAdresy, z którymi się łączy: {{hosts}}\n\nOtwórz ten link, aby zaakceptować lub odrzucić prośbę (działa raz, tylko dla Ciebie, przez {{hours}} godz.):\n{{link}}\n\nMożesz też zdecydować na stronie Akceptacje: {{approvalsUrl}}\n{{footer}}',
    },
  },
  'approval-distribute': {
    en: {
      subject: 'Review needed: {{appName}}',
      body: 'A request to send {{appName}} {{version}} to other people’s workstations waits for your review.\n\n{{reasons}}\n\nHosts it reaches: {{hosts}}\n\nOpen this link to approve or reject it (it works once, for you only, for {{hours}} hours):\n{{link}}\n\nOr decide on the Approvals page: {{approvalsUrl}}\n{{footer}}',
    },
    pl: {
      subject: 'Prośba o akceptację: {{appName}}',
      body: 'Prośba o wysłanie {{appName}} {{version}} na stanowiska innych osób czeka na Twoją decyzję.\n\n{{reasons}}\n\nAdresy, z którymi się łączy: {{hosts}}\n\nOtwórz ten link, aby zaakceptować lub odrzucić prośbę (działa raz, tylko dla Ciebie, przez {{hours}} godz.):\n{{link}}\n\nMożesz też zdecydować na stronie Akceptacje: {{approvalsUrl}}\n{{footer}}',
    },
  },
  'password-reset': {
    en: {
      subject: 'Reset your marketplace password',
      body: 'Hello {{name}},\n\nsomeone (hopefully you) asked to reset the password of your marketplace account. Open this link within {{minutes}} minutes to choose a new one; it works once:\n\n{{link}}\n\nIf you did not ask for it, ignore this e-mail: your password stays as it is.\n{{footer}}',
    },
    pl: {
      subject: 'Zmiana hasła do marketplace',
      body: 'Dzień dobry {{name}},\n\nktoś (zapewne Ty) poprosił o zmianę hasła do Twojego konta w marketplace. Otwórz ten link w ciągu {{minutes}} minut, aby ustawić nowe hasło; działa tylko raz:\n\n{{link}}\n\nJeśli to nie Ty, zignoruj tę wiadomość: hasło pozostaje bez zmian.\n{{footer}}',
    },
  },
  'webhook-disabled': {
    en: {
      subject: 'A webhook was disabled',
      body: 'The marketplace stopped sending webhooks to {{target}}: {{reason}}.\n\nCheck the receiver, then enable the webhook again on the Webhooks page: {{webhooksUrl}}\nEvents that happened meanwhile are in its delivery log and can be replayed.\n{{footer}}',
    },
    pl: {
      subject: 'Webhook został wyłączony',
      body: 'Marketplace przestał wysyłać webhooki do {{target}}: {{reason}}.\n\nSprawdź odbiorcę, a potem włącz webhook ponownie na stronie Webhooki: {{webhooksUrl}}\nZdarzenia z tego czasu są w jego dzienniku dostaw i można je wysłać ponownie.\n{{footer}}',
    },
  },
  'inbox-reply': {
    en: { subject: 'Re: {{subject}}', body: '{{text}}\n{{footer}}' },
    pl: { subject: 'Re: {{subject}}', body: '{{text}}\n{{footer}}' },
  },
  'conversation-answer': {
    en: { subject: 'Re: {{subject}}', body: '{{text}}\n{{footer}}' },
    pl: { subject: 'Re: {{subject}}', body: '{{text}}\n{{footer}}' },
  },
  'build-news': {
    en: { subject: 'Re: {{subject}}', body: '{{text}}\n{{footer}}' },
    pl: { subject: 'Re: {{subject}}', body: '{{text}}\n{{footer}}' },
  },
  'sender-confirmation': {
    en: {
      subject: 'Re: {{subject}}',
      body: 'We received a request from your address ("{{requestSubject}}"), but we could not tell that you sent it.\nIf it was you, just reply to this mail (any text); the conversation then starts. You can also confirm it in the marketplace: New app → Mail waiting for your confirmation.\nIf it was not you, ignore this mail: nothing was built and nothing will be.\n{{footer}}',
    },
    pl: {
      subject: 'Re: {{subject}}',
      body: 'Otrzymaliśmy prośbę z Twojego adresu („{{requestSubject}}”), ale nie mogliśmy potwierdzić, że to Ty.\nJeśli to Ty, po prostu odpowiedz na tę wiadomość (dowolnym tekstem); wtedy rozmowa się zacznie. Możesz też potwierdzić ją w marketplace: Nowa aplikacja → Poczta czekająca na potwierdzenie.\nJeśli to nie Ty, zignoruj tę wiadomość: nic nie zostało i nie zostanie zbudowane.\n{{footer}}',
    },
  },
  'unknown-sender': {
    en: {
      subject: 'Re: {{subject}}',
      body: 'Hello, this address builds internal apps for the employees of the organisations that use this marketplace, and your address is not one of their accounts, so your message was not read further. If you work here, write from your work address or ask an administrator to invite you.\n{{footer}}',
    },
    pl: {
      subject: 'Re: {{subject}}',
      body: 'Dzień dobry, ten adres przyjmuje prośby tylko od pracowników organizacji korzystających z tego serwisu, a Twój adres nie należy do żadnego konta, więc wiadomość nie została przetworzona. Jeśli tu pracujesz, napisz z adresu służbowego albo poproś administratora o zaproszenie.\n{{footer}}',
    },
  },
  'owner-notice': {
    en: {
      subject: '[{{appTitle}}] {{what}}: {{subject}}',
      body: '{{what}} about “{{appTitle}}” from {{sender}}:\n\n{{summary}}\n\n{{quoted}}\n\nReply to this mail to answer the sender (your answer goes out from the marketplace\'s address, in their thread).\nTo change the app, start your reply with a line "CHANGE: …", e.g. "CHANGE: add a notes field" — the next version is built and the sender is mailed when it is published.\n\nThe thread in the marketplace: {{link}}\n{{footer}}',
    },
    pl: {
      subject: '[{{appTitle}}] {{what}}: {{subject}}',
      body: '{{what}} o „{{appTitle}}” od {{sender}}:\n\n{{summary}}\n\n{{quoted}}\n\nOdpowiedz na tę wiadomość, aby odpisać nadawcy (odpowiedź wyjdzie z adresu marketplace, w jego wątku).\nAby zmienić aplikację, zacznij odpowiedź od wiersza „ZMIANA: …”, np. „ZMIANA: dodaj pole notatki” — następna wersja zostanie zbudowana, a nadawca dostanie wiadomość, gdy będzie opublikowana.\n\nWątek w marketplace: {{link}}\n{{footer}}',
    },
  },
  'owner-reply-result': {
    en: { subject: 'Re: {{subject}}', body: '{{text}}\n{{footer}}' },
    pl: { subject: 'Re: {{subject}}', body: '{{text}}\n{{footer}}' },
  },
  // The campaign's drafted text already names the app's page ({{link}} is there for an organisation's own wording).
  announcement: {
    en: { subject: '{{title}}', body: '{{text}}\n{{footer}}' },
    pl: { subject: '{{title}}', body: '{{text}}\n{{footer}}' },
  },
};

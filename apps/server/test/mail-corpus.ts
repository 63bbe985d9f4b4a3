/**
 * A labelled set of mails to the marketplace address, in English and Polish: requests, feedback,
 * bug reports, questions, follow-ups, auto-replies, newsletters and spam. `label` is what a person
 * reading the mail would call it (`spam` for spam, `auto-reply` for any machine mail including
 * newsletters); `app` is the app it concerns, when it concerns one. Used by mail-classification.test.ts
 * and bench/mail-classification.ts.
 */
export type CorpusLabel = 'app-request' | 'follow-up' | 'feedback' | 'bug-report' | 'question' | 'auto-reply' | 'spam';
export interface CorpusMail {
  id: string;
  label: CorpusLabel;
  lang: 'en' | 'pl';
  /** reporter: a proven employee (writes to their conversation's +token address); stranger: no account. */
  from: 'reporter' | 'stranger';
  subject: string;
  body: string;
  headers?: string[];
  app?: string;
}

/** The organisation's apps the corpus talks about (the reporter runs room-booking 1.2.0). */
export const CORPUS_APPS = [
  { name: 'timesheet', title: 'Timesheet' },
  { name: 'room-booking', title: 'Room booking' },
  { name: 'expense-report', title: 'Expense report' },
  { name: 'visitor-log', title: 'Visitor log' },
];

const m = (id: string, label: CorpusLabel, lang: 'en' | 'pl', from: CorpusMail['from'], subject: string, body: string, extra: Partial<CorpusMail> = {}): CorpusMail => ({ id, label, lang, from, subject, body, ...extra });

export const CORPUS: CorpusMail[] = [
  // --- app requests
  m('req-en-1', 'app-request', 'en', 'reporter', 'New tool for the warehouse', 'Hi,\n\nWe need a simple app to track pallets coming in and out of the warehouse, with a daily report to the shift lead.\n\nThanks,\nMarek'),
  m('req-en-2', 'app-request', 'en', 'reporter', 'Could you build a vacation planner?', 'Could you build a vacation planner for my team of 12? Each person enters their days off and I approve them.'),
  m('req-en-3', 'app-request', 'en', 'reporter', 'training sign-up', 'I would like a form where employees sign up for the Friday safety training, max 20 places per session.'),
  m('req-en-4', 'app-request', 'en', 'reporter', 'Idea', 'Please create an app that pulls the EUR exchange rate every morning and emails it to finance.'),
  m('req-en-5', 'app-request', 'en', 'reporter', 'key register', 'Hello! I need a register of office keys: who took which key and when it came back.'),
  m('req-en-6', 'app-request', 'en', 'reporter', 'dashboard request', 'We want a dashboard showing open support tickets per team, refreshed every hour from our CSV export.'),
  m('req-pl-1', 'app-request', 'pl', 'reporter', 'Nowa aplikacja', 'Dzień dobry,\n\npotrzebuję aplikacji do ewidencji wyjazdów służbowych: kto, dokąd, kiedy i koszt.\n\nPozdrawiam\nKasia'),
  m('req-pl-2', 'app-request', 'pl', 'reporter', 'formularz zamówień', 'Zróbcie nam proszę formularz do zamawiania materiałów biurowych, z akceptacją kierownika.'),
  m('req-pl-3', 'app-request', 'pl', 'reporter', 'Rejestr szkoleń', 'Chciałabym mieć aplikację, w której zapiszemy szkolenia BHP pracowników i daty ich ważności.'),
  m('req-pl-4', 'app-request', 'pl', 'reporter', 'prośba', 'Stwórzcie mi raport, który co poniedziałek zbierze sprzedaż z pliku CSV i wyśle go mailem do zespołu.'),
  m('req-pl-5', 'app-request', 'pl', 'reporter', 'Narzędzie dla recepcji', 'Cześć, potrzebujemy prostego narzędzia do zapisywania paczek odebranych na recepcji.'),
  // --- bug reports
  m('bug-en-1', 'bug-report', 'en', 'reporter', 'Room booking crashes', 'When I pick a date in the room booking form and press Save, the page crashes with an error 500.', { app: 'room-booking' }),
  m('bug-en-2', 'bug-report', 'en', 'reporter', 'timesheet totals wrong', 'The timesheet shows the wrong total for last week: 52 hours instead of 40. Each day is right, the sum is not.', { app: 'timesheet' }),
  m('bug-en-3', 'bug-report', 'en', 'reporter', 'cannot upload receipts', 'Hi, I cannot upload a PDF receipt in expense-report any more, it says "unable to read file". Worked last month.', { app: 'expense-report' }),
  m('bug-en-4', 'bug-report', 'en', 'reporter', 'visitor log blank', 'Since this morning the Visitor log opens a blank page on my laptop. Chrome, Windows 11.', { app: 'visitor-log' }),
  m('bug-en-5', 'bug-report', 'en', 'reporter', 'It stopped working', 'The booking app stopped working after the update: the calendar is broken and throws an exception when I scroll.', { app: 'room-booking' }),
  m('bug-en-6', 'bug-report', 'en', 'reporter', 'bug in Timesheet export', 'Found a bug: exporting Timesheet to CSV puts every entry on one line.', { app: 'timesheet' }),
  m('bug-en-7', 'bug-report', 'en', 'reporter', 'Problem', 'Hello,\nthe room booking does not work for the 3rd floor rooms, I get an error saying the room does not exist.\n\n-- \nJan Kowalski\nFacilities', { app: 'room-booking' }),
  m('bug-pl-1', 'bug-report', 'pl', 'reporter', 'Błąd w room-booking', 'Dzień dobry, przy rezerwacji sali na piątek aplikacja room-booking pokazuje błąd i nic się nie zapisuje.', { app: 'room-booking' }),
  m('bug-pl-2', 'bug-report', 'pl', 'reporter', 'timesheet nie działa', 'Timesheet nie działa od rana, po zalogowaniu wyświetla się pusta strona.', { app: 'timesheet' }),
  m('bug-pl-3', 'bug-report', 'pl', 'reporter', 'Zawiesza się', 'Aplikacja do rezerwacji sal zawiesza się, kiedy wybieram salę na drugim piętrze. Próbowałem kilka razy.', { app: 'room-booking' }),
  m('bug-pl-4', 'bug-report', 'pl', 'reporter', 'expense-report – błąd przy zapisie', 'Nie mogę zapisać rozliczenia w expense-report, wyskakuje komunikat o błędzie walidacji kwoty.', { app: 'expense-report' }),
  m('bug-pl-5', 'bug-report', 'pl', 'reporter', 'Visitor log źle liczy', 'Visitor log źle liczy gości z dzisiaj – pokazuje 0, a było ich pięciu.', { app: 'visitor-log' }),
  m('bug-pl-6', 'bug-report', 'pl', 'reporter', 'Problem z kalendarzem', 'Witam,\nkalendarz przestał działać po ostatniej aktualizacji i wywala błąd przy przewijaniu.\n\nPozdrawiam', { app: 'room-booking' }),
  // --- feedback
  m('fb-en-1', 'feedback', 'en', 'reporter', 'Thanks for the timesheet', 'Thanks for the Timesheet app, it saves me half an hour every Friday!', { app: 'timesheet' }),
  m('fb-en-2', 'feedback', 'en', 'reporter', 'room booking idea', 'Room booking works great. Could it also show which rooms have a projector?', { app: 'room-booking' }),
  m('fb-en-3', 'feedback', 'en', 'reporter', 'expense-report suggestion', 'It would be nice if expense-report could export the monthly summary to PDF for our accountant.', { app: 'expense-report' }),
  m('fb-en-4', 'feedback', 'en', 'reporter', 'Visitor log', 'Love the visitor log. Please add a field for the host\'s phone number.', { app: 'visitor-log' }),
  m('fb-en-5', 'feedback', 'en', 'reporter', 'small wish', 'The booking app is very useful. Can it also send a reminder 15 minutes before the meeting?', { app: 'room-booking' }),
  m('fb-pl-1', 'feedback', 'pl', 'reporter', 'Podziękowanie', 'Dziękuję za aplikację timesheet, bardzo przydatna w naszym dziale.', { app: 'timesheet' }),
  m('fb-pl-2', 'feedback', 'pl', 'reporter', 'Sugestia do room-booking', 'Room-booking działa świetnie. Przydałoby się jeszcze filtrowanie sal po liczbie miejsc.', { app: 'room-booking' }),
  m('fb-pl-3', 'feedback', 'pl', 'reporter', 'expense-report', 'Czy w expense-report można dodać eksport do PDF? Księgowość by się ucieszyła.', { app: 'expense-report' }),
  m('fb-pl-4', 'feedback', 'pl', 'reporter', 'visitor log – propozycja', 'Fajna ta aplikacja visitor log. Byłoby super, gdyby drukowała identyfikatory dla gości.', { app: 'visitor-log' }),
  m('fb-pl-5', 'feedback', 'pl', 'reporter', 'Rezerwacje', 'Super sprawa z tymi rezerwacjami sal, dzięki! Proszę dodać jeszcze widok tygodniowy.', { app: 'room-booking' }),
  // --- questions
  m('q-en-1', 'question', 'en', 'reporter', 'Installing on a second laptop', 'How do I install an app on my second laptop?'),
  m('q-en-2', 'question', 'en', 'reporter', 'data', 'Where is the data of my apps kept, and is it backed up?'),
  m('q-en-3', 'question', 'en', 'reporter', 'access for a colleague', 'Is there a way to give my colleague access to an app I asked for?'),
  m('q-en-4', 'question', 'en', 'reporter', 'Question', 'What kinds of apps can the marketplace make?'),
  m('q-pl-1', 'question', 'pl', 'reporter', 'Pytanie', 'Jak mogę zainstalować aplikację na drugim komputerze?'),
  m('q-pl-2', 'question', 'pl', 'reporter', 'dane', 'Gdzie są przechowywane dane z aplikacji i czy ktoś robi kopie zapasowe?'),
  m('q-pl-3', 'question', 'pl', 'reporter', 'uprawnienia', 'Czy mogę dać koledze dostęp do aplikacji, którą zamówiłam?'),
  m('q-pl-4', 'question', 'pl', 'reporter', 'Pytanie o serwis', 'Ile trwa przygotowanie nowej aplikacji?'),
  // --- follow-ups
  m('fu-en-1', 'follow-up', 'en', 'reporter', 'my request', 'Any news on my request for the vacation planner?'),
  m('fu-en-2', 'follow-up', 'en', 'reporter', 'Following up', 'Just following up on the key register I asked for last week.'),
  m('fu-en-3', 'follow-up', 'en', 'reporter', 'status', 'What is the status of my pallet tracking app? Still waiting for it.'),
  m('fu-pl-1', 'follow-up', 'pl', 'reporter', 'Moja prośba', 'Czy jest już gotowa aplikacja do ewidencji wyjazdów, o którą prosiłam?'),
  m('fu-pl-2', 'follow-up', 'pl', 'reporter', 'przypomnienie', 'Przypominam się w sprawie formularza zamówień materiałów biurowych.'),
  m('fu-pl-3', 'follow-up', 'pl', 'reporter', 'Rejestr szkoleń', 'Jakieś wieści w sprawie rejestru szkoleń? Na jakim etapie jest praca?'),
  // --- auto-replies (RFC 3834 and friends)
  m('ar-en-1', 'auto-reply', 'en', 'reporter', 'Out of office: Re: your request', 'I am out of the office until Monday with limited access to e-mail.', { headers: ['Auto-Submitted: auto-replied'] }),
  m('ar-en-2', 'auto-reply', 'en', 'reporter', 'Automatic reply', 'Thank you for your message. I am on holiday and will answer when I am back.', { headers: ['X-Autoreply: yes'] }),
  m('ar-en-3', 'auto-reply', 'en', 'stranger', 'Ticket received', 'Your ticket #4471 has been received. Our team will get back to you.', { headers: ['Auto-Submitted: auto-generated', 'Precedence: auto_reply'] }),
  m('ar-pl-1', 'auto-reply', 'pl', 'reporter', 'Odpowiedź automatyczna', 'Jestem na urlopie do 15 grudnia. W pilnych sprawach proszę pisać do Anny.', { headers: ['Auto-Submitted: auto-replied'] }),
  m('ar-pl-2', 'auto-reply', 'pl', 'reporter', 'Nieobecność', 'Dziękuję za wiadomość, obecnie jestem poza biurem.', { headers: ['X-Autorespond: true'] }),
  // --- newsletters and list mail (machine mail as well)
  m('nl-en-1', 'auto-reply', 'en', 'stranger', 'Your weekly product digest', 'This week: five new features in our analytics suite. Read more on our blog.', { headers: ['List-Id: <digest.vendor.example>', 'List-Unsubscribe: <mailto:unsubscribe@vendor.example>'] }),
  m('nl-en-2', 'auto-reply', 'en', 'stranger', 'Conference early-bird', 'Early-bird tickets for DevDays are available until Friday. See the agenda inside.', { headers: ['Precedence: bulk'] }),
  m('nl-pl-1', 'auto-reply', 'pl', 'stranger', 'Newsletter grudniowy', 'W tym miesiącu: nowe szkolenia, zmiany w regulaminie i kalendarz wydarzeń.', { headers: ['List-Unsubscribe: <https://news.example.pl/wypisz>'] }),
  // --- spam
  m('sp-en-1', 'spam', 'en', 'stranger', 'test', 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X'),
  m('sp-en-2', 'spam', 'en', 'stranger', 'YOU HAVE WON A PRIZE', 'Congratulations! You have won $1,000,000 in our lottery! Click here to claim your prize now! Act now!!'),
  m('sp-en-3', 'spam', 'en', 'stranger', 'Your account has been suspended', 'Dear customer, your account has been suspended. Verify your account within 24 hours: click here http://bad.example/login. Limited time.'),
  m('sp-en-4', 'spam', 'en', 'stranger', 'Cheap pills', 'Buy viagra and other pills at our online pharmacy, 100% free shipping, risk-free! Last chance.'),
  m('sp-en-5', 'spam', 'en', 'stranger', 'Investment opportunity', 'Guaranteed profit with bitcoin! Double your money in a week. This investment opportunity ends soon, act now.'),
  m('sp-pl-1', 'spam', 'pl', 'stranger', 'WYGRAŁEŚ NAGRODĘ', 'Gratulacje! Wygrałeś nagrodę 5000 zł w naszej loterii. Kliknij tutaj, aby ją odebrać. Tylko dziś!'),
  m('sp-pl-2', 'spam', 'pl', 'stranger', 'Kredyt bez BIK', 'Kredyt bez zaświadczeń, chwilówki bez ryzyka! Pieniądze nawet w 15 minut. Nie przegap okazji, kliknij w link.'),
  m('sp-pl-3', 'spam', 'pl', 'stranger', 'Kasyno online', 'Darmowe spiny w najlepszym kasynie online! Bonus 200% na start, tylko dziś, ostatnia szansa.'),
];

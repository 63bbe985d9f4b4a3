/**
 * Requirements engine throughput: messages per second for a 5-turn conversation
 * (extractSpec + 4 × continueSpec), in English and in Polish, describing an app and correcting one, against a baseline of
 * JSON.parse(JSON.stringify(spec)) × 5 measured in the same run.
 *
 *   node --import tsx bench/spec-engine.ts
 */
import { continueSpec, extractSpec, type AppSpec } from '@marketplace/spec';

const CONVERSATIONS: Record<'en' | 'pl' | 'en-fix' | 'pl-fix', string[]> = {
  en: [
    'A form for vacation requests with company SSO',
    'fields: name, email, start date, end date, type (annual, sick, unpaid), notes',
    'actually make it a dashboard',
    'also read the CSV data/vacations.csv and every Monday at 9am email a summary to hr@example.com',
    'remove notes and change the schedule to weekdays at 7:45',
  ],
  pl: [
    'Formularz zgłoszeń awarii z logowaniem firmowym',
    'pola: imię i nazwisko, e-mail, opis, priorytet (niski, średni, wysoki), data zgłoszenia',
    'jednak zrób z tego panel z wykresami',
    'dodaj plik dane/awarie.csv i w każdy piątek o 16 wyślij podsumowanie na it@firma.pl',
    'usuń pole opis i zmień harmonogram na codziennie o 7',
  ],
  // Corrections as people write them: renamed records, an added field, a new kind, a question, a source swapped.
  'en-fix': [
    'Small tool to keep track of employees with name, email and phone',
    'The records are laptops, not employees.',
    'Add a notes field too.',
    "I'd rather see a calendar",
    'what can you do?',
  ],
  'pl-fix': [
    'Ewidencja pracowników: imię, nazwisko, e-mail',
    'To nie pracownicy, tylko laptopy.',
    'Zmień nazwę pola nazwisko na numer seryjny',
    'nie API tylko panel z pliku /srv/eksport/laptopy.csv',
    'co potrafisz?',
  ],
};

const DURATION_MS = 2_000;

function conversation(turns: string[]): AppSpec {
  let result = extractSpec(turns[0]!);
  for (const text of turns.slice(1)) result = continueSpec(result.spec, text);
  return result.spec;
}

/**
 * Run `fn` (which handles `messages` messages) repeatedly for DURATION_MS; messages per second of
 * wall time, and per second of this process's CPU time (what the engine costs, whatever else the
 * shared machine runs meanwhile).
 */
function measure(messages: number, fn: () => unknown): { wall: number; cpu: number } {
  for (let i = 0; i < 20; i++) fn();
  let count = 0;
  let sink = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  while (performance.now() - start < DURATION_MS) {
    const out = fn();
    sink += out ? 1 : 0;
    count++;
  }
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  if (sink < 0) console.log(sink);
  return { wall: (count * messages) / seconds, cpu: (count * messages) / ((cpu.user + cpu.system) / 1e6) };
}

const rows: { language: string; engine: { wall: number; cpu: number }; baseline: { wall: number; cpu: number } }[] = [];
for (const language of ['en', 'pl', 'en-fix', 'pl-fix'] as const) {
  const turns = CONVERSATIONS[language];
  const finalSpec = conversation(turns);
  const engine = measure(turns.length, () => conversation(turns));
  const baseline = measure(turns.length, () => {
    let copy: AppSpec = finalSpec;
    for (let i = 0; i < turns.length; i++) copy = JSON.parse(JSON.stringify(copy)) as AppSpec;
    return copy;
  });
  rows.push({ language, engine, baseline });
}

console.log('spec-engine: 5-turn conversation (extractSpec + 4 continueSpec), messages per second');
console.log('turns     engine msg/s  baseline msg/s (JSON clone)  engine/baseline  engine msg per CPU-s (goal ≥ 500)');
for (const row of rows) {
  console.log(
    `${row.language.padEnd(8)}  ${row.engine.wall.toFixed(0).padStart(12)}  ${row.baseline.wall.toFixed(0).padStart(27)}  ${(row.engine.wall / row.baseline.wall).toFixed(5).padStart(15)}  ${row.engine.cpu.toFixed(0).padStart(33)}`,
  );
}

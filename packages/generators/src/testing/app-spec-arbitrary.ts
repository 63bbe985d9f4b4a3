import fc from 'fast-check';
import { type AppKind, type AppSpec, FIELD_TYPES, type Field, parseAppSpec } from '@marketplace/spec';

/** Text meant to break naive generators: markup, template and string syntax, odd unicode. */
const hostileText = fc.constantFrom(
  '</script><script>alert(1)</script>',
  '${process.exit(1)}',
  '`; process.exit(1); `',
  '"); require("child_process").execSync("id"); ("',
  'Ünïcødé ✓ 日本語 🚀',
  '\u2028\u2029 line separators',
  '=HYPERLINK("http://evil")',
  '__proto__',
);

const text = (maxLength: number) => fc.oneof(fc.string({ maxLength, unit: 'binary' }), hostileText);
const title = fc.oneof(fc.string({ minLength: 1, maxLength: 120, unit: 'grapheme' }), hostileText);

const identifier = fc.oneof(fc.constantFrom('class', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'prototype', 'name', 'status'), fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_]{0,15}$/));

const enumValues = fc.uniqueArray(fc.oneof(fc.string({ minLength: 1, maxLength: 20, unit: 'binary' }), hostileText, fc.constantFrom('a,b "c"', ' padded ', '1', '2')), {
  minLength: 1,
  maxLength: 5,
});

const field: fc.Arbitrary<Field> = fc
  .record({ name: identifier, type: fc.constantFrom(...FIELD_TYPES), required: fc.option(fc.boolean(), { nil: undefined }), values: enumValues, label: fc.option(text(60), { nil: undefined }) })
  .map(({ name, type, required, values, label }) => ({ name, type, ...(required === undefined ? {} : { required }), ...(type === 'enum' ? { values } : {}), ...(label === undefined ? {} : { label }) }));

const fields = fc.uniqueArray(field, {
  minLength: 1,
  maxLength: 8,
  selector: (candidate) => candidate.name.toLowerCase(),
}).map((list) => list.filter((candidate) => !['id', 'createdat', 'updatedat'].includes(candidate.name.toLowerCase())))
  .filter((list) => list.length > 0);

const entities = fc.uniqueArray(fc.record({ name: identifier, label: fc.option(fc.oneof(title, hostileText), { nil: undefined }), fields }).map(({ label, ...entity }) => (label === undefined ? entity : { ...entity, label })), { minLength: 0, maxLength: 3, selector: (entity) => entity.name.toLowerCase() });

const url = fc.tuple(fc.domain(), fc.constantFrom('', '/feed', '/api/items.json', '/a/b?x=1')).map(([domain, path]) => `https://${domain}${path}`);
const source = fc.oneof(
  fc.record({ type: fc.constant('http-json' as const), url }),
  fc.record({ type: fc.constant('rss' as const), url }),
  fc.record({ type: fc.constant('csv' as const), path: fc.constantFrom('data.csv', 'in/sales.csv', 'ünï.csv') }),
  fc.record({ type: fc.constant('csv' as const), url }),
  fc.record({ type: fc.constant('imap' as const) }),
);
const output = fc.oneof(
  fc.record({ type: fc.constant('email' as const), target: fc.emailAddress() }),
  fc.record({ type: fc.constant('webhook' as const), target: url }),
  fc.record({ type: fc.constant('file' as const), target: fc.constantFrom('out.jsonl', 'logs/run.jsonl', '../../etc/passwd', '/abs.txt') }),
  fc.record({ type: fc.constant('dashboard' as const) }),
);
const schedule = fc.record({
  cron: fc.constantFrom('*/5 * * * *', '0 7 * * 1', '30 2 1 * *', '0 */6 * * *', '15 14 * * 1-5'),
  timezone: fc.option(fc.constantFrom('Europe/Paris', 'UTC', 'America/New_York', 'Asia/Kolkata'), { nil: undefined }),
});

/** Random AppSpecs of one kind, valid against the schema, including hostile text and reserved words. */
export function appSpecArbitrary(kind: AppKind): fc.Arbitrary<AppSpec> {
  return fc
    .record({
      name: fc.stringMatching(/^[a-z][a-z0-9]{1,12}(-[a-z0-9]{1,8})?$/),
      title,
      summary: text(300),
      entities,
      schedule: fc.option(schedule, { nil: undefined }),
      sources: fc.array(source, { maxLength: 3 }),
      outputs: fc.array(output, { maxLength: 3 }),
      auth: fc.option(fc.constantFrom('none' as const, 'sso' as const, 'api-key' as const), { nil: undefined }),
      language: fc.option(fc.constantFrom('en' as const, 'pl' as const), { nil: undefined }),
    })
    .map(({ schedule: when, ...rest }) => {
      const spec: Record<string, unknown> = { specVersion: 1, kind, ...rest };
      if (when) spec.schedule = when.timezone ? when : { cron: when.cron };
      for (const key of Object.keys(spec)) if (spec[key] === undefined) delete spec[key];
      return spec;
    })
    .filter((spec) => parseAppSpec(spec).ok)
    .map((spec) => spec as unknown as AppSpec);
}

import { extractSpec } from './packages/spec/src/index.ts';
for (const t of process.argv.slice(2)) {
  const s = extractSpec(t);
  console.log(t, '\n  =>', JSON.stringify(s.spec.entities?.map((e) => [e.name, e.fields.map((f) => `${f.name}:${f.type}:${f.label}`)])));
}

import { describe, expect, it } from 'vitest';
import { appSpecJsonSchema, parseAppSpec } from './app-spec.js';

const minimal = { specVersion: 1, name: 'room-booking', title: 'Room booking', summary: 'Book meeting rooms', kind: 'api-service' };

describe('AppSpec schema', () => {
  it('accepts a minimal spec', () => {
    expect(parseAppSpec(minimal)).toEqual({ ok: true, spec: minimal });
  });

  it('names the path and the rule of each problem', () => {
    const result = parseAppSpec({ ...minimal, name: 'Room Booking', entities: [{ name: 'room', fields: [{ name: 'size', type: 'enum' }] }] });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const paths = result.issues.map((i) => i.path);
    expect(paths).toContain('name');
    expect(paths).toContain('entities.0.fields.0.values');
    expect(result.issues.find((i) => i.path === 'name')?.message).toMatch(/slug/);
  });

  it('rejects unknown fields, traversal paths and non-http URLs', () => {
    const result = parseAppSpec({ ...minimal, colour: 'red', sources: [{ type: 'csv', path: '../../etc/passwd' }, { type: 'http-json', url: 'file:///etc/passwd' }] });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['(root)', 'sources.0.path', 'sources.1.url']));
  });

  it('takes a read-only workstation file by its absolute path, and keeps `path` inside the data folder', () => {
    for (const workstationPath of ['/srv/exports/sales.csv', 'C:\\exports\\sales.csv', 'D:/shared/x.csv', '\\\\fileserver\\exports\\x.csv']) {
      expect(parseAppSpec({ ...minimal, kind: 'web-dashboard', sources: [{ type: 'csv', workstationPath }] }).ok, workstationPath).toBe(true);
    }
    const bad = ['exports/sales.csv', '/srv/../etc/passwd', 'C:\\exports\\..\\x.csv', '/srv/x\0.csv', '~/x.csv', '/srv/x\n.csv'];
    for (const workstationPath of bad) {
      const result = parseAppSpec({ ...minimal, sources: [{ type: 'csv', workstationPath }] });
      expect(result.ok, workstationPath).toBe(false);
      if (!result.ok) expect(result.issues[0]?.path).toBe('sources.0.workstationPath');
    }
    expect(parseAppSpec({ ...minimal, sources: [{ type: 'csv', path: '/srv/exports/sales.csv' }] }).ok).toBe(false);
    const both = parseAppSpec({ ...minimal, sources: [{ type: 'csv', path: 'data/x.csv', workstationPath: '/srv/x.csv' }] });
    expect(both.ok).toBe(false);
    if (!both.ok) expect(both.issues[0]?.message).toMatch(/either path .* or workstationPath/);
  });

  it('declares tools of registered MCP servers as sources and outputs, by name, each once per use', () => {
    const mcpTools = [
      { server: 'jira', tool: 'lookup-project', use: 'source', purpose: 'finds the Jira project of a team' },
      { server: 'jira', tool: 'create_issue', use: 'output' },
    ];
    expect(parseAppSpec({ ...minimal, kind: 'automation', mcpTools })).toEqual({ ok: true, spec: { ...minimal, kind: 'automation', mcpTools } });
    const bad = parseAppSpec({ ...minimal, mcpTools: [{ server: 'Jira Cloud', tool: 'x', use: 'source' }, { server: 'jira', tool: 'a/b', use: 'output' }, { server: 'jira', tool: 'x', use: 'both' }, { server: 'jira', tool: 'x', use: 'source', command: 'rm' }] });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.issues.map((issue) => issue.path)).toEqual(['mcpTools.0.server', 'mcpTools.1.tool', 'mcpTools.2.use', 'mcpTools.3']);
    const twice = parseAppSpec({ ...minimal, mcpTools: [mcpTools[0], { ...mcpTools[0], purpose: 'again' }] });
    expect(twice).toMatchObject({ ok: false, issues: [{ path: 'mcpTools.1', message: '"jira/lookup-project" is declared twice as a source' }] });
  });

  it('may fix some arguments of a declared MCP tool to plain values, named and bounded', () => {
    const pinned = [{ server: 'jira', tool: 'search', use: 'source', arguments: { project: 'OPS', limit: 20, open: true } }];
    expect(parseAppSpec({ ...minimal, kind: 'automation', mcpTools: pinned })).toEqual({ ok: true, spec: { ...minimal, kind: 'automation', mcpTools: pinned } });
    const bad = parseAppSpec({
      ...minimal,
      mcpTools: [
        { server: 'jira', tool: 'a', use: 'source', arguments: { __proto__x: 'x' } },
        { server: 'jira', tool: 'b', use: 'source', arguments: { project: { nested: 'no' } } },
        { server: 'jira', tool: 'c', use: 'source', arguments: { project: 'x'.repeat(501) } },
        { server: 'jira', tool: 'd', use: 'source', arguments: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`a${i}`, i])) },
      ],
    });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.issues.map((issue) => issue.path)).toEqual(['mcpTools.0.arguments.__proto__x', 'mcpTools.1.arguments.project', 'mcpTools.2.arguments.project', 'mcpTools.3.arguments']);
  });

  it('checks ranges, uniqueness and defaults of fields', () => {
    const field = (extra: object) => parseAppSpec({ ...minimal, entities: [{ name: 'laptop', fields: [{ name: 'condition', type: 'integer', ...extra }] }] });
    expect(field({ min: 1, max: 5, unique: false, default: 3 }).ok).toBe(true);
    expect(field({ min: 5, max: 1 }).ok).toBe(false);
    const onText = parseAppSpec({ ...minimal, entities: [{ name: 'laptop', fields: [{ name: 'notes', type: 'text', min: 1 }] }] });
    expect(onText.ok).toBe(false);
    const enumDefault = parseAppSpec({ ...minimal, entities: [{ name: 'laptop', fields: [{ name: 'state', type: 'enum', values: ['new', 'used'], default: 'broken' }] }] });
    expect(enumDefault.ok).toBe(false);
  });

  it('rejects reserved and duplicate field names', () => {
    const result = parseAppSpec({ ...minimal, entities: [{ name: 'room', fields: [{ name: 'id', type: 'string' }, { name: 'a', type: 'string' }, { name: 'A', type: 'text' }] }] });
    expect(result.ok).toBe(false);
  });

  it('refuses 10 000 fields with a clear limit', () => {
    const fields = Array.from({ length: 10_000 }, (_, i) => ({ name: `f${i}`, type: 'string' }));
    const result = parseAppSpec({ ...minimal, entities: [{ name: 'big', fields }] });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues[0]?.path).toBe('entities.0.fields');
  });

  it('exports a JSON Schema with the kinds', () => {
    const schema = appSpecJsonSchema();
    expect(JSON.stringify(schema)).toContain('web-dashboard');
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));
/** Attributes a person reads or a screen reader speaks. */
const SPOKEN = new Set(['title', 'aria-label', 'placeholder', 'alt', 'label', 'aria-description']);
/** Text in these tags is code or a command, the same in every language. */
const VERBATIM = new Set(['code', 'pre', 'kbd', 'samp']);
const WORDS = /\p{L}{2,}/u;

function tsxFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? tsxFiles(path.join(dir, entry.name)) : entry.name.endsWith('.tsx') ? [path.join(dir, entry.name)] : []));
}

/** Visible text written into the components instead of taken from the catalogs (en.ts, pl.ts). */
function rawLiterals(file: string, text = readFileSync(file, 'utf8')): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: string[] = [];
  const where = (node: ts.Node) => `${path.relative(SRC, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const inVerbatim = (node: ts.Node): boolean => {
    for (let up = node.parent; up; up = up.parent) {
      if (ts.isJsxElement(up) && VERBATIM.has(up.openingElement.tagName.getText())) return true;
    }
    return false;
  };
  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node) && WORDS.test(node.text) && !inVerbatim(node)) found.push(`${where(node)} text "${node.text.trim()}"`);
    if (ts.isJsxExpression(node) && node.expression && (ts.isStringLiteral(node.expression) || ts.isNoSubstitutionTemplateLiteral(node.expression)) && WORDS.test(node.expression.text) && !ts.isJsxAttribute(node.parent) && !inVerbatim(node)) {
      found.push(`${where(node)} text "${node.expression.text}"`);
    }
    if (ts.isJsxAttribute(node) && SPOKEN.has(node.name.getText()) && node.initializer && ts.isStringLiteral(node.initializer) && WORDS.test(node.initializer.text)) {
      found.push(`${where(node)} ${node.name.getText()}="${node.initializer.text}"`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('translations', () => {
  it('leaves no visible text in a component: every word a person reads comes from the English and Polish catalogs', () => {
    const files = tsxFiles(SRC);
    expect(files.length).toBeGreaterThan(30);
    expect(files.flatMap((file) => rawLiterals(file))).toEqual([]);
  });

  it('finds text written into a component, and lets code and translated text pass (the check itself works)', () => {
    const probe = path.join(SRC, 'probe.tsx');
    const source = [
      'export const A = () => (',
      '  <p title="Open it" aria-label={t("x")}>',
      '    Removed from the marketplace <code>npx marketplace-agent</code>{"Sign in"}{t("ok")} · {" · "}',
      '  </p>',
      ');',
    ].join('\n');
    expect(rawLiterals(probe, source)).toEqual(['probe.tsx:2 title="Open it"', 'probe.tsx:3 text "Removed from the marketplace"', 'probe.tsx:3 text "Sign in"']);
  });
});

import { useEffect, useState } from 'react';

const LANGUAGES: Record<string, string> = {
  ts: 'typescript', tsx: 'typescript', js: 'javascript', mjs: 'javascript', jsx: 'javascript',
  json: 'json', py: 'python', sh: 'bash', yml: 'yaml', yaml: 'yaml', html: 'xml', xml: 'xml', css: 'css', md: 'markdown', sql: 'sql',
};

export function languageOf(path: string): string | null {
  const ext = path.toLowerCase().split('.').pop() ?? '';
  return LANGUAGES[ext] ?? null;
}

/** Highlighting loads on first use, so the catalog's initial bundle stays small. */
async function highlight(code: string, language: string | null): Promise<string | null> {
  if (!language) return null;
  const [{ default: hljs }, grammar] = await Promise.all([import('highlight.js/lib/core'), loadGrammar(language)]);
  if (!grammar) return null;
  if (!hljs.getLanguage(language)) hljs.registerLanguage(language, grammar);
  return hljs.highlight(code, { language, ignoreIllegals: true }).value;
}

async function loadGrammar(language: string) {
  switch (language) {
    case 'typescript': return (await import('highlight.js/lib/languages/typescript')).default;
    case 'javascript': return (await import('highlight.js/lib/languages/javascript')).default;
    case 'json': return (await import('highlight.js/lib/languages/json')).default;
    case 'python': return (await import('highlight.js/lib/languages/python')).default;
    case 'bash': return (await import('highlight.js/lib/languages/bash')).default;
    case 'yaml': return (await import('highlight.js/lib/languages/yaml')).default;
    case 'xml': return (await import('highlight.js/lib/languages/xml')).default;
    case 'css': return (await import('highlight.js/lib/languages/css')).default;
    case 'markdown': return (await import('highlight.js/lib/languages/markdown')).default;
    case 'sql': return (await import('highlight.js/lib/languages/sql')).default;
    default: return null;
  }
}

/** A file's source with syntax highlighting (plain text until the highlighter has loaded). */
export function CodeView({ path, code }: { path: string; code: string }) {
  const [html, setHtml] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setHtml(null);
    highlight(code, languageOf(path)).then((value) => live && setHtml(value), () => live && setHtml(null));
    return () => {
      live = false;
    };
  }, [path, code]);
  return (
    <pre className="code" tabIndex={0} aria-label={path}>
      {/* highlight.js escapes the source; its output is only spans with class names. */}
      {html !== null ? <code className="hljs" dangerouslySetInnerHTML={{ __html: html }} /> : <code>{code}</code>}
    </pre>
  );
}

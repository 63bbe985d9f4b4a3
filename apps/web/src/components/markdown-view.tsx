import { useEffect, useState } from 'react';

/**
 * Markdown (an app's README) as HTML: parsed by `marked` (GitHub flavour) and sanitised by DOMPurify
 * before it reaches the page. Both load on first use, so pages without a README do not carry them.
 * README text comes from a generated or uploaded bundle: never trusted, so no raw HTML survives the
 * sanitiser's HTML profile (no scripts, no event handlers, no javascript: links, no forms), and links
 * open without handing the page to the target.
 */
export async function renderMarkdown(markdown: string): Promise<string> {
  const [{ marked }, { default: DOMPurify }] = await Promise.all([import('marked'), import('dompurify')]);
  const html = await marked.parse(markdown, { gfm: true, async: true });
  const purify = DOMPurify(window);
  purify.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A' && node.getAttribute('href')) {
      node.setAttribute('rel', 'noopener noreferrer nofollow');
      node.setAttribute('target', '_blank');
    }
  });
  return purify.sanitize(html, { USE_PROFILES: { html: true }, FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'iframe'], FORBID_ATTR: ['style'] });
}

/** A Markdown document rendered as sanitised HTML; the source as plain text until it is ready or if rendering fails. */
export function MarkdownView({ markdown, label }: { markdown: string; label: string }) {
  const [html, setHtml] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setHtml(null);
    renderMarkdown(markdown).then(
      (rendered) => live && setHtml(rendered),
      () => live && setHtml(null),
    );
    return () => {
      live = false;
    };
  }, [markdown]);
  if (html === null) return <pre className="code">{markdown}</pre>;
  // Sanitised by DOMPurify above: the only way HTML from a bundle reaches the page.
  return <article className="markdown" aria-label={label} dangerouslySetInnerHTML={{ __html: html }} />;
}

import { useEffect, useState } from 'react';

/** The renderer (marked + DOMPurify) loads on first use, so pages without a README do not carry it. */
const render = async (markdown: string) => (await import('./render-markdown')).renderMarkdown(markdown);

/** A Markdown document rendered as sanitised HTML; the source as plain text until it is ready or if rendering fails. */
export function MarkdownView({ markdown, label }: { markdown: string; label: string }) {
  const [html, setHtml] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setHtml(null);
    render(markdown).then(
      (rendered) => live && setHtml(rendered),
      () => live && setHtml(null),
    );
    return () => {
      live = false;
    };
  }, [markdown]);
  if (html === null) return <pre className="code">{markdown}</pre>;
  // Raw HTML escaped and the result sanitised (render-markdown.ts): the only way HTML from a bundle reaches the page.
  // tabIndex: a long README scrolls inside its pane, and keyboard users must be able to scroll it too.
  return <article className="markdown" aria-label={label} tabIndex={0} dangerouslySetInnerHTML={{ __html: html }} />;
}

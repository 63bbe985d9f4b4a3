import DOMPurify from 'dompurify';
import { Marked } from 'marked';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);

/**
 * GitHub-flavoured Markdown without raw HTML: HTML written in the README shows as text. Headings go one
 * level down (# → h2 … ###### → h6), so the page around the README keeps its single h1.
 */
const markdown = new Marked({
  gfm: true,
  async: true,
  renderer: {
    html: ({ text }) => escapeHtml(text),
    heading({ tokens, depth }) {
      const level = Math.min(depth + 1, 6);
      return `<h${level}>${this.parser.parseInline(tokens)}</h${level}>\n`;
    },
  },
});

/** Only these link targets survive: web pages, mail, and places inside the page or the app. */
const SAFE_LINK = /^(?:https?:|mailto:|#|\/|\.\.?\/|[^:]*$)/i;

/**
 * Markdown (an app's README) as HTML that is safe to put in the page. The text comes from a generated
 * or uploaded bundle and is never trusted: raw HTML in it is escaped by the renderer, and the result
 * still goes through DOMPurify's HTML profile (no scripts, event handlers, styles, forms or frames;
 * links only to web pages, mail or relative places, opened without handing the page to the target).
 */
export async function renderMarkdown(text: string, window: Window & typeof globalThis = globalThis.window): Promise<string> {
  const html = await markdown.parse(text);
  const purify = DOMPurify(window);
  purify.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName !== 'A') return;
    const href = node.getAttribute('href');
    if (href && !SAFE_LINK.test(href.trim())) node.removeAttribute('href');
    if (node.getAttribute('href')) {
      node.setAttribute('rel', 'noopener noreferrer nofollow');
      node.setAttribute('target', '_blank');
    }
  });
  return purify.sanitize(html, { USE_PROFILES: { html: true }, FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'iframe'], FORBID_ATTR: ['style'] });
}

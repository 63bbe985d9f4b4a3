import { useEffect, useRef, useState, type ReactNode, type RefObject } from 'react';

/** How far below the screen a section starts loading: a short scroll ahead, so it is ready when it arrives. */
const AHEAD = '0px 0px 200px 0px';

/**
 * Whether the element has come near the screen. Once true it stays true (a section that loaded keeps
 * its data when scrolled away). Without IntersectionObserver (an old browser) everything is near.
 */
export function useNearScreen<T extends Element>(): [RefObject<T | null>, boolean] {
  const ref = useRef<T | null>(null);
  const [near, setNear] = useState(() => typeof IntersectionObserver === 'undefined');
  useEffect(() => {
    if (near || !ref.current) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) setNear(true);
    }, { rootMargin: AHEAD });
    observer.observe(ref.current);
    return () => observer.disconnect();
  }, [near]);
  return [ref, near];
}

/**
 * A section of the page below the first screen, rendered when it comes near the screen: its requests
 * and code (the README renderer, the highlighter) stay out of the first load. Until then the section
 * shows its heading (so headings navigation and find-in-page see it) over an empty block of about its
 * height, which keeps the page from jumping.
 */
export function WhenVisible({ title, children, minHeight = '6rem' }: { title: string; children: ReactNode; minHeight?: string }) {
  const [ref, near] = useNearScreen<HTMLElement>();
  if (near) return <>{children}</>;
  return (
    <section ref={ref} className="panel" aria-label={title} data-testid="when-visible">
      <h2>{title}</h2>
      <div style={{ minHeight }} />
    </section>
  );
}

import { useEffect, useRef } from 'react';

const editable = (t: EventTarget | null) => t instanceof HTMLElement && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));

/**
 * A view's own keys: `/` focuses its search box, Escape closes its drawer. Neither fires while
 * the user types in a field (Escape there belongs to the field, e.g. closing completion).
 */
export function useViewKeys({ search, onEscape }: { search: () => HTMLElement | null; onEscape: (() => void) | null }): void {
  const latest = useRef({ search, onEscape });
  useEffect(() => {
    latest.current = { search, onEscape };
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || editable(e.target)) return;
      if (e.key === '/') {
        const box = latest.current.search();
        if (!box) return;
        e.preventDefault();
        box.focus();
      } else if (e.key === 'Escape' && latest.current.onEscape) {
        e.preventDefault();
        latest.current.onEscape();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

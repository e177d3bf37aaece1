import { useEffect, useRef, type RefObject } from 'react';
import { useMediaQuery } from '../../components/use-media-query';
import { useActiveProfile } from '../../api/profiles';
import { TraceView } from '../traces/TraceView';
import { ConversationView } from './ConversationView';

export interface DrawerTarget {
  trace?: string;
  at?: number;
  span?: string;
  conv?: string;
}

/**
 * The open trace or conversation, beside the list (over it, full width, in a small window). The
 * list behind it stays mounted, so it keeps its scroll and selection.
 */
/** The window size in which the drawer covers the list (layout.css says the same). */
export const DRAWER_COVERS_LIST = '(max-width: 1000px)';

/** `takeFocus`: the drawer covers the list, so a trace opened from it gets the focus (beside the list, the list keeps it for ↑/↓). */
export function Drawer({ target, takeFocus, onClose, onSelectSpan }: { target: DrawerTarget; takeFocus: boolean; onClose: () => void; onSelectSpan: (spanId: string | null) => void }) {
  const profile = useActiveProfile();
  const ref = useRef<HTMLElement>(null);
  const what = target.trace ? `Trace ${target.trace}` : `Conversation ${target.conv ?? ''}`;
  // A newly opened drawer starts at its top.
  useEffect(() => {
    ref.current?.scrollTo({ top: 0 });
  }, [target.trace, target.conv]);
  // Beside the list, too, when the focus was lost: a conversation opened from the trace's own link
  // unmounts that link, and the focus would fall to the page's body.
  useEffect(() => {
    const lost = document.activeElement === null || document.activeElement === document.body;
    if ((takeFocus || lost) && !ref.current?.contains(document.activeElement)) ref.current?.focus();
  }, [takeFocus, target.trace, target.conv]);
  return (
    <aside className="drawer" ref={ref} aria-label={what} data-testid="drawer" tabIndex={-1}>
      {target.trace ? <TraceView key={target.trace} traceId={target.trace} aroundMs={target.at} selectedSpanId={target.span} onSelectSpan={onSelectSpan} onClose={onClose} /> : null}
      {!target.trace && target.conv && profile ? <ConversationView key={target.conv} profileId={profile.id} conversationId={target.conv} onClose={onClose} /> : null}
    </aside>
  );
}

export const drawerOpen = (t: DrawerTarget) => Boolean(t.trace || t.conv);

/**
 * Whether the open drawer covers the list (a small window): what it covers is then inert, out of
 * the keyboard's way. Closing it gives the list's grid the focus back, once the list is no longer inert.
 */
export function useCoveredByDrawer(open: boolean, list: RefObject<HTMLElement | null>): boolean {
  const covered = useMediaQuery(DRAWER_COVERS_LIST) && open;
  const wasOpen = useRef(open);
  useEffect(() => {
    if (wasOpen.current && !open) list.current?.querySelector<HTMLElement>('[role="grid"]')?.focus();
    wasOpen.current = open;
  }, [open, list]);
  return covered;
}

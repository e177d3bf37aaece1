import { useEffect, useRef } from 'react';
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
export function Drawer({ target, onClose, onSelectSpan }: { target: DrawerTarget; onClose: () => void; onSelectSpan: (spanId: string | null) => void }) {
  const profile = useActiveProfile();
  const ref = useRef<HTMLElement>(null);
  const what = target.trace ? `Trace ${target.trace}` : `Conversation ${target.conv ?? ''}`;
  // A newly opened drawer starts at its top.
  useEffect(() => {
    ref.current?.scrollTo({ top: 0 });
  }, [target.trace, target.conv]);
  return (
    <aside className="drawer" ref={ref} aria-label={what} data-testid="drawer">
      {target.trace ? <TraceView key={target.trace} traceId={target.trace} aroundMs={target.at} selectedSpanId={target.span} onSelectSpan={onSelectSpan} onClose={onClose} /> : null}
      {!target.trace && target.conv && profile ? <ConversationView key={target.conv} profileId={profile.id} conversationId={target.conv} onClose={onClose} /> : null}
    </aside>
  );
}

export const drawerOpen = (t: DrawerTarget) => Boolean(t.trace || t.conv);

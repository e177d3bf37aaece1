import { useNavigate, useSearch } from '@tanstack/react-router';
import { useMemo, useRef, useState } from 'react';
import { useActiveProfile } from '../api/profiles';
import { enterGrid } from '../components/DataGrid';
import { useListHeight } from '../components/use-list-height';
import { useViewKeys } from '../components/use-view-keys';
import { ViewHeader } from '../components/ViewHeader';
import type { TailSearch } from '../routes/search-params';
import { Drawer, drawerOpen, useCoveredByDrawer } from './explore/Drawer';
import { foldRequests } from './tail/fold-requests';
import { TailNotes } from './tail/TailNotes';
import { TailToolbar } from './tail/TailToolbar';
import { useTail } from './tail/use-tail';
import { atMs } from './traces/format';
import { RequestTable, requestKey } from './traces/RequestTable';
import { SpanTable, spanKey } from './traces/SpanTable';
import { usePricedRequests } from './traces/use-prices';

/** Live tail: the filter and the open trace in the URL; opening a row never stops or restarts the tail. */
export function LiveTailView() {
  const search = useSearch({ from: '/tail' });
  const navigate = useNavigate({ from: '/tail' });
  const profile = useActiveProfile();
  const filter = useMemo(() => ({ query: search.q, allServices: search.all }), [search.q, search.all]);
  const tail = useTail(profile?.id ?? null, filter);
  const [follow, setFollow] = useState(true);
  const [active, setActive] = useState<string | null>(null);
  const folded = useMemo(() => (search.show === 'requests' ? foldRequests(tail.spans) : []), [search.show, tail.spans]);
  const requests = usePricedRequests(folded);
  const height = useListHeight(300);
  const list = useRef<HTMLDivElement>(null);

  const set = (patch: Partial<TailSearch>, replace = false) => void navigate({ search: (prev) => ({ ...prev, ...patch }), replace });
  const open = drawerOpen(search);
  const covered = useCoveredByDrawer(open, list);
  const close = () => set({ trace: undefined, at: undefined, span: undefined, conv: undefined });
  useViewKeys({ search: () => document.querySelector<HTMLElement>('[data-testid="tail-filter"]'), onEscape: open ? close : null });
  const openTrace = (traceId: string, tsNs: string, replace = false) => set({ trace: traceId, at: atMs(tsNs), span: undefined, conv: undefined }, replace);
  // Following the newest rows would pull the list away from the row the keyboard is on.
  const pinned = follow && !open;
  return (
    <div className={`with-drawer-layout ${open ? 'drawer-open' : ''}`}>
      <div className="list-column" ref={list} inert={covered}>
        <ViewHeader title="Live tail" subtitle="Gateway requests as their spans reach ClickHouse; each span once, even when it arrives late." />
        <TailToolbar search={search} tail={tail} requests={requests.length} follow={follow} onFollow={setFollow} onChange={(p) => set(p)} onToResults={() => enterGrid(list.current)} />
        <TailNotes tail={tail} />
        {search.q.trim() && search.show === 'requests' ? (
          <p className="muted pad small" data-testid="tail-filtered-requests">
            With a filter, each row holds only the request's spans that match it (a row in italics has no root among them): its model, user and
            duration are those spans', not the whole request's. Open a row for the whole trace, or use Explore for whole requests.
          </p>
        ) : null}
        <section className="card flush">
          {search.show === 'requests' ? (
            <RequestTable
              follow={pinned}
              requests={requests}
              height={height}
              label="Live requests"
              activeKey={active}
              openKey={search.trace ?? null}
              onActive={(r) => {
                setActive(requestKey(r));
                if (search.trace) openTrace(r.traceId, r.tsNs, true);
              }}
              onOpen={(r) => openTrace(r.traceId, r.tsNs)}
              onConversation={(id) => set({ conv: id, trace: undefined, at: undefined })}
            />
          ) : (
            <SpanTable
              follow={pinned}
              spans={tail.spans}
              height={height}
              label="Live spans"
              activeKey={active}
              openKey={null}
              onActive={(s) => {
                setActive(spanKey(s));
                if (search.trace) openTrace(s.traceId, s.tsNs, true);
              }}
              onOpen={(s) => set({ trace: s.traceId, at: atMs(s.tsNs), span: s.spanId, conv: undefined })}
            />
          )}
          {tail.spans.length === 0 && !tail.error ? <p className="muted pad">Waiting for gateway traffic… send a test trace from the Health view to see one.</p> : null}
        </section>
      </div>
      {open ? <Drawer target={search} takeFocus={covered} onClose={close} onSelectSpan={(id) => set({ span: id ?? undefined }, true)} /> : null}
    </div>
  );
}

import { useNavigate, useRouter, useRouterState, useSearch } from '@tanstack/react-router';
import { useEffect, useRef, useState } from 'react';
import { useActiveProfile } from '../api/profiles';
import { enterGrid } from '../components/DataGrid';
import { useListHeight } from '../components/use-list-height';
import { useViewKeys } from '../components/use-view-keys';
import { ViewHeader } from '../components/ViewHeader';
import type { ExploreSearch } from '../routes/search-params';
import { Drawer, drawerOpen, useCoveredByDrawer } from './explore/Drawer';
import { ExploreToolbar } from './explore/ExploreToolbar';
import { rememberExploreSearch } from './explore/last-search';
import { RequestResults } from './explore/RequestResults';
import { SpanResults } from './explore/SpanResults';
import { SummaryPanel } from './explore/SummaryPanel';
import { useExploreWindow } from './explore/use-explore-window';
import { atMs } from './traces/format';
import { requestKey } from './traces/RequestTable';
import { spanKey } from './traces/SpanTable';

/**
 * A figure of the summary searches the requests behind it within the search it summarises: the
 * drill's terms are added to a Lucene search (kept whole in parentheses), not put in its place.
 * A SQL-mode search cannot take Lucene terms, so there the drill's terms stand alone.
 */
function narrowed(search: ExploreSearch, drill: string): string {
  const current = search.lang === 'lucene' ? search.q.trim() : '';
  if (!current || current.includes(drill)) return current || drill;
  return `(${current}) ${drill}`;
}

/** Everything Explore shows comes from its URL (routes/search-params.ts) resolved to one window. */
export function ExploreView() {
  const search = useSearch({ from: '/explore' });
  const navigate = useNavigate({ from: '/explore' });
  const profile = useActiveProfile();
  const { window: w, rerun } = useExploreWindow(search, profile?.id ?? null);
  const [active, setActive] = useState<string | null>(null);
  const listHeight = useListHeight(330);
  const list = useRef<HTMLDivElement>(null);
  useEffect(() => rememberExploreSearch(search), [search]);

  const set = (patch: Partial<ExploreSearch>, replace = false) => void navigate({ search: (prev) => ({ ...prev, ...patch }), replace });
  const searchFor = (patch: Partial<ExploreSearch>) => {
    set(patch);
    rerun();
  };
  const open = drawerOpen(search);
  const covered = useCoveredByDrawer(open, list);
  const close = () => set({ trace: undefined, at: undefined, span: undefined, conv: undefined });
  // A conversation opened from a trace by its panel's link (the conversation's address) puts that trace
  // back on Escape, one level up as the person came, rather than closing the drawer on the list. It goes
  // back in the history, so Back then leads on from the trace and not into the conversation again; one
  // opened from a list's cell closes as any drawer does.
  const router = useRouter();
  const byAddress = useRouterState({ select: (s) => s.location.state.conversationByAddress === true });
  const [was, setWas] = useState(search);
  const [fromTrace, setFromTrace] = useState(false);
  if (was !== search) {
    setWas(search);
    setFromTrace(Boolean(search.conv && !search.trace && was.trace && !was.conv && byAddress));
  }
  const escape = () => (fromTrace && byAddress ? router.history.back() : close());
  useViewKeys({ search: () => document.querySelector<HTMLElement>('[data-testid="search-input"]'), onEscape: open ? escape : null });

  const openTrace = (traceId: string, tsNs: string, replace = false) => set({ trace: traceId, at: atMs(tsNs), span: undefined, conv: undefined }, replace);
  const listProps = { window: w, height: listHeight, activeKey: active, openKey: null as string | null };
  return (
    <div className={`with-drawer-layout ${open ? 'drawer-open' : ''}`}>
      {/* The drawer comes right after the list in the page's order (the summary after it), so Tab goes from the list into the open trace. */}
      <div className="list-column" ref={list} inert={covered}>
        <ViewHeader title="Explore" subtitle="Search the gateway's requests and spans, open any trace or conversation, compare models, users and tools." />
        <ExploreToolbar search={search} window={w} profile={profile} onSearch={searchFor} onChange={(p) => set(p)} onToResults={() => enterGrid(list.current)} />
        {search.show === 'requests' ? (
          <RequestResults
            {...listProps}
            openKey={search.trace ?? null}
            onActive={(r) => {
              setActive(requestKey(r));
              // The drawer follows the selection; the history keeps the trace the user opened, not each step.
              if (search.trace) openTrace(r.traceId, r.tsNs, true);
            }}
            onOpen={(r) => openTrace(r.traceId, r.tsNs)}
            onConversation={(id) => set({ conv: id, trace: undefined, at: undefined, span: undefined })}
          />
        ) : (
          <SpanResults
            {...listProps}
            openKey={search.trace && search.span ? `${search.trace}/${search.span}` : null}
            onActive={(s) => {
              setActive(spanKey(s));
              if (search.trace) set({ trace: s.traceId, at: atMs(s.tsNs), span: s.spanId, conv: undefined }, true);
            }}
            onOpen={(s) => set({ trace: s.traceId, at: atMs(s.tsNs), span: s.spanId, conv: undefined })}
            onSearchOlder={(toMs) => w && searchFor({ from: w.fromMs, to: toMs })}
          />
        )}
      </div>
      {open ? <Drawer target={search} takeFocus={covered} onClose={close} onSelectSpan={(id) => set({ span: id ?? undefined }, true)} /> : null}
      <div className="list-column summary-column" inert={covered}>
        <SummaryPanel
          window={w}
          tab={search.tab}
          onTab={(tab) => set({ tab })}
          onSearch={(q) => {
            searchFor({ q: narrowed(search, q), lang: 'lucene', show: 'requests' });
            // The figure's button is redrawn with the new summary and the focus would fall to the page: it goes to
            // the search that now holds the drill (↓ from there reaches its requests), scrolled into view above them.
            document.querySelector<HTMLElement>('[data-testid="search-input"]')?.focus();
          }}
          onRefresh={rerun}
        />
      </div>
    </div>
  );
}

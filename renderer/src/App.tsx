import { useEffect, useState } from 'react';
import type { AppInfo } from '../../electron/shared/contract';
import type { z } from 'zod';
import { useApi } from './api/context';
import { VIEWS, type ViewId } from './views/registry';
import { exploreHref } from '../../electron/shared/alert-rules';

function viewFromHash(): ViewId {
  const id = window.location.hash.replace(/^#\/?/, '').split('/')[0] ?? '';
  return VIEWS.some((v) => v.id === id) ? (id as ViewId) : 'setup';
}

export function App() {
  const api = useApi();
  const [view, setView] = useState<ViewId>(viewFromHash);
  const [info, setInfo] = useState<z.infer<typeof AppInfo> | null>(null);
  const [fatal, setFatal] = useState<string | null>(null);

  useEffect(() => {
    api.invoke('app.getInfo', {}).then(setInfo, (e: unknown) => setFatal(e instanceof Error ? e.message : String(e)));
  }, [api]);

  // The shell asks for a view (a notification was clicked); the browser build shows notifications as toasts.
  const [toasts, setToasts] = useState<{ id: number; title: string; body: string; href: string }[]>([]);
  // Explore opened on a search (an alert's requests) starts afresh with it.
  const [hash, setHash] = useState(() => window.location.hash);
  useEffect(() => {
    const offNav = api.on('app.navigate', ({ view: next, explore }) => {
      window.location.hash = next === 'explore' && explore ? exploreHref(explore) : `#/${next}`;
    });
    const offNote = api.on('pipeline.notification', (n) => {
      if (api.transport === 'electron') return; // the shell shows a native notification
      const id = Date.now() + Math.random();
      setToasts((t) => [...t.slice(-2), { id, title: n.title, body: n.body, href: n.explore ? exploreHref(n.explore) : '#/health' }]);
      window.setTimeout(() => setToasts((t) => t.filter((x) => x.id !== id)), 10_000);
    });
    return () => {
      offNav();
      offNote();
    };
  }, [api]);

  useEffect(() => {
    const onHash = () => {
      setView(viewFromHash());
      setHash(window.location.hash);
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  // Tests wait on this marker instead of sleeping.
  useEffect(() => {
    document.getElementById('root')?.setAttribute('data-app-state', fatal ? 'error' : info ? 'ready' : 'loading');
  }, [info, fatal]);

  const Current = VIEWS.find((v) => v.id === view)!.Component;
  const searchKey = view === 'explore' && hash.startsWith('#/explore/?') ? hash : view;
  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Views">
        <div className="brand">
          <img src="./icon.png" alt="" width={20} height={20} />
          <span>clickstack-tray</span>
        </div>
        <ul>
          {VIEWS.map((v) => (
            <li key={v.id}>
              <a href={`#/${v.id}`} aria-current={v.id === view ? 'page' : undefined} className={v.id === view ? 'active' : ''}>
                {v.title}
              </a>
            </li>
          ))}
        </ul>
        <div className="sidebar-footer">
          {info ? (
            <span title={info.runtime}>
              v{info.version} · {info.transport === 'web' ? 'browser' : 'desktop'}
            </span>
          ) : null}
        </div>
      </nav>
      <main className="content">
        {fatal ? (
          <div className="banner error" role="alert">
            The app could not be reached: {fatal}
          </div>
        ) : null}
        <Current key={searchKey} />
      </main>
      <div className="toasts" role="status" aria-live="polite">
        {toasts.map((t) => (
          <a key={t.id} className="toast" href={t.href} data-testid="toast">
            <strong>{t.title}</strong>
            <div className="small">{t.body}</div>
          </a>
        ))}
      </div>
    </div>
  );
}

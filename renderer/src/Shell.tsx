import { Link, Outlet, useRouter } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { useApi } from './api/context';
import { useContractQuery } from './api/contract-query';
import { NAV } from './router';
import { exploreHref } from '../../electron/shared/alert-rules';

interface Toast {
  id: number;
  title: string;
  body: string;
  href: string;
}

/** Notifications as toasts in the browser build (the Electron shell shows native ones). */
function useToasts(): Toast[] {
  const api = useApi();
  const router = useRouter();
  const [toasts, setToasts] = useState<Toast[]>([]);
  useEffect(() => {
    // The shell asks for a view (a notification was clicked): Explore opens on the search behind it.
    const offNav = api.on('app.navigate', ({ view, explore }) => {
      if (view === 'explore' && explore) void router.navigate({ to: '/explore', search: { q: explore.query, from: explore.fromMs, to: explore.toMs } });
      else void router.navigate({ to: `/${view}` });
    });
    const offNote = api.on('pipeline.notification', (n) => {
      if (api.transport === 'electron') return;
      const id = Date.now() + Math.random();
      setToasts((t) => [...t.slice(-2), { id, title: n.title, body: n.body, href: n.explore ? exploreHref(n.explore) : '#/health' }]);
      window.setTimeout(() => setToasts((t) => t.filter((x) => x.id !== id)), 10_000);
    });
    return () => {
      offNav();
      offNote();
    };
  }, [api, router]);
  return toasts;
}

/** The sidebar, the current view and the toasts. */
export function Shell() {
  const info = useContractQuery('app.getInfo', {}, { staleTime: Infinity });
  const toasts = useToasts();
  // Tests wait on this marker instead of sleeping.
  useEffect(() => {
    document.getElementById('root')?.setAttribute('data-app-state', info.error ? 'error' : info.data ? 'ready' : 'loading');
  }, [info.data, info.error]);
  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Views">
        <div className="brand">
          <img src="./icon.png" alt="" width={20} height={20} />
          <span className="nav-label">clickstack-tray</span>
        </div>
        <ul>
          {NAV.map((v) => (
            <li key={v.to}>
              <Link to={v.to} activeProps={{ className: 'active', 'aria-current': 'page' }} title={v.title}>
                <span className="nav-icon" aria-hidden="true">
                  {v.icon}
                </span>
                <span className="nav-label">{v.title}</span>
              </Link>
            </li>
          ))}
        </ul>
        <div className="sidebar-footer nav-label">
          {info.data ? (
            <span title={info.data.runtime}>
              v{info.data.version} · {info.data.transport === 'web' ? 'browser' : 'desktop'}
            </span>
          ) : null}
        </div>
      </nav>
      <main className="content">
        {info.error ? (
          <div className="banner error" role="alert">
            The app could not be reached: {info.error.message}
          </div>
        ) : null}
        <Outlet />
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

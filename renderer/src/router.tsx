/**
 * The one place for views and their URLs. A new view: a route below and a line in NAV.
 * A new URL parameter: a field in routes/search-params.ts (its default keeps links short).
 * Hash history: the Electron shell loads index.html from its own origin and the web bridge serves
 * `/` behind a launch token, so the path never changes, only the hash.
 */
import { createHashHistory, createRootRoute, createRoute, createRouter, redirect, stripSearchParams, type SearchSchemaInput } from '@tanstack/react-router';
import { exploreSearchSchema, EXPLORE_DEFAULTS, parseSearchText, stringifySearch, tailSearchSchema, TAIL_DEFAULTS, traceRef, type ExploreSearch, type TailSearch } from './routes/search-params';
import { Shell } from './Shell';
import { ExploreView } from './views/ExploreView';
import { HealthView } from './views/HealthView';
import { LiveTailView } from './views/LiveTailView';
import { SettingsView } from './views/SettingsView';
import { SetupView } from './views/SetupView';
import { lastExploreSearch } from './views/explore/last-search';

const rootRoute = createRootRoute({ component: Shell });

const indexRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/',
  beforeLoad: () => {
    throw redirect({ to: '/setup', replace: true });
  },
});
const setupRoute = createRoute({ getParentRoute: () => rootRoute, path: 'setup', component: SetupView });
const healthRoute = createRoute({ getParentRoute: () => rootRoute, path: 'health', component: HealthView });
const settingsRoute = createRoute({ getParentRoute: () => rootRoute, path: 'settings', component: SettingsView });
const tailRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'tail',
  validateSearch: (raw: Partial<TailSearch> & SearchSchemaInput): TailSearch => tailSearchSchema.parse(raw),
  search: { middlewares: [stripSearchParams(TAIL_DEFAULTS)] },
  component: LiveTailView,
});
/** `#/explore/?q=…&from=…&to=…` (alert notifications) is this route: q, from and to are its own fields. */
const exploreRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'explore',
  // A link may leave out any field: the schema parses the URL's text and fills the defaults.
  validateSearch: (raw: Partial<ExploreSearch> & SearchSchemaInput): ExploreSearch => exploreSearchSchema.parse(raw),
  search: { middlewares: [stripSearchParams(EXPLORE_DEFAULTS)] },
  component: ExploreView,
});
/** Older addresses of a trace and a conversation open them in Explore's drawer, over the search last shown there. */
const oldTraceRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'explore/trace/$ref',
  beforeLoad: ({ params }) => {
    throw redirect({ to: '/explore', search: { ...lastExploreSearch(), conv: undefined, span: undefined, ...traceRef(params.ref) }, replace: true });
  },
});
const oldConversationRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'explore/conversation/$id',
  beforeLoad: ({ params }) => {
    // Marked as reached by its address: from an open trace that is its panel's link, and Escape goes back there.
    throw redirect({ to: '/explore', search: { ...lastExploreSearch(), trace: undefined, span: undefined, at: undefined, conv: params.id }, replace: true, state: { conversationByAddress: true } });
  },
});

/** An unknown address opens Setup rather than a blank page. */
const unknownRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '$',
  beforeLoad: () => {
    throw redirect({ to: '/setup', replace: true });
  },
});

const routeTree = rootRoute.addChildren([indexRoute, setupRoute, healthRoute, tailRoute, exploreRoute, settingsRoute, oldTraceRoute, oldConversationRoute, unknownRoute]);

export function createAppRouter() {
  return createRouter({
    routeTree,
    history: createHashHistory(),
    parseSearch: parseSearchText,
    stringifySearch,
  });
}

export type AppRouter = ReturnType<typeof createAppRouter>;

declare module '@tanstack/react-router' {
  interface Register {
    router: AppRouter;
  }
}

declare module '@tanstack/history' {
  interface HistoryState {
    /** The conversation was opened by its address (#/explore/conversation/…), not from a list's cell. */
    conversationByAddress?: boolean;
  }
}

/** The sidebar: one line per view. The icon stands alone when the window is narrow. */
export const NAV = [
  { to: '/setup', title: 'Setup', icon: '⚙' },
  { to: '/health', title: 'Health', icon: '♥' },
  { to: '/tail', title: 'Live tail', icon: '▶' },
  { to: '/explore', title: 'Explore', icon: '⌕' },
  { to: '/settings', title: 'Settings', icon: '☰' },
] as const;

import { ViewHeader } from '../components/ViewHeader';

export function ExploreView() {
  return (
    <>
      <ViewHeader title="Explore" subtitle="Search traces and open any one as a waterfall." />
      <section className="card empty">
        <h2>Search is not available yet</h2>
        <p className="muted">Trace search, the waterfall view and per-model summaries will appear here.</p>
      </section>
    </>
  );
}

import { ViewHeader } from '../components/ViewHeader';

export function LiveTailView() {
  return (
    <>
      <ViewHeader title="Live tail" subtitle="Gateway spans as they arrive in ClickHouse." />
      <section className="card empty">
        <h2>Nothing to follow yet</h2>
        <p className="muted">The live tail of gateway spans (model, tokens, cost, time to first token) is the next feature to land in this view.</p>
      </section>
    </>
  );
}

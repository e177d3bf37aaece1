import { useEffect, useState } from 'react';
import type { PipelineStatus } from '../../../electron/shared/contract';
import type { z } from 'zod';
import { useContractQuery } from '../api/contract-query';
import { ViewHeader } from '../components/ViewHeader';
import { AlertsCard } from './health/AlertsCard';
import { IncidentList } from './health/IncidentList';
import { PipelineCard } from './health/PipelineCard';
import { TestTraceCard } from './TestTraceCard';
import { useProfiles } from './setup/use-profiles';

type Status = z.infer<typeof PipelineStatus>;

export function HealthView() {
  const { state: profiles } = useProfiles();
  // pipeline.status events are written into this list (api/cache-events.tsx).
  const statuses = useContractQuery('pipeline.statuses', {});
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    // Ages ("12 s ago") move on between polls.
    const tick = window.setInterval(() => setNow(Date.now()), 5_000);
    return () => window.clearInterval(tick);
  }, []);

  const active = profiles?.activeProfileId;
  const ordered = (profiles?.profiles ?? []).map((p) => statuses.data?.find((s) => s.profileId === p.id)).filter((s): s is Status => Boolean(s));
  ordered.sort((a, b) => Number(b.profileId === active) - Number(a.profileId === active));

  return (
    <>
      <ViewHeader title="Health" subtitle="Each pipeline’s collector, ClickHouse and gateway traffic, checked continuously." />
      {ordered.length === 0 ? <p className="muted">Starting the monitors…</p> : null}
      {ordered.map((s) => (
        <PipelineCard key={s.profileId} status={s} active={s.profileId === active} now={now} />
      ))}
      <AlertsCard activeProfileId={active} />
      <TestTraceCard />
      <IncidentList />
    </>
  );
}

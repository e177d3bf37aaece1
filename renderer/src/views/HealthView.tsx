import { useEffect, useState } from 'react';
import type { PipelineStatus } from '../../../electron/shared/contract';
import type { z } from 'zod';
import { useApi } from '../api/context';
import { ViewHeader } from '../components/ViewHeader';
import { AlertsCard } from './health/AlertsCard';
import { IncidentList } from './health/IncidentList';
import { PipelineCard } from './health/PipelineCard';
import { TestTraceCard } from './TestTraceCard';
import { useProfiles } from './setup/use-profiles';

type Status = z.infer<typeof PipelineStatus>;

export function HealthView() {
  const api = useApi();
  const { state: profiles } = useProfiles();
  const [statuses, setStatuses] = useState<Record<string, Status>>({});
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    let live = true;
    api.invoke('pipeline.statuses', {}).then(
      (list) => live && setStatuses((cur) => ({ ...Object.fromEntries(list.map((s) => [s.profileId, s])), ...cur })),
      () => undefined,
    );
    const off = api.on('pipeline.status', (s) => setStatuses((cur) => ({ ...cur, [s.profileId]: s })));
    // Ages ("12 s ago") move on between polls.
    const tick = window.setInterval(() => setNow(Date.now()), 5_000);
    return () => {
      live = false;
      off();
      window.clearInterval(tick);
    };
  }, [api]);

  const active = profiles?.activeProfileId;
  const ordered = (profiles?.profiles ?? []).map((p) => statuses[p.id]).filter((s): s is Status => Boolean(s));
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

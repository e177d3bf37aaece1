import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { contractKey } from './contract-query';
import { useApi } from './context';

/**
 * Contract events written into the query cache, once for the page: a view reading profiles,
 * the sandbox or pipeline statuses through a hook follows them without subscribing itself.
 */
export function CacheEvents() {
  const api = useApi();
  const client = useQueryClient();
  useEffect(() => {
    const offs = [
      api.on('profiles.changed', (state) => {
        client.setQueryData(contractKey('profiles.list', {}), state);
        // Setup's guide is made from a profile's fields.
        void client.invalidateQueries({ queryKey: ['setup.guide'] });
      }),
      api.on('sandbox.status', (status) => client.setQueryData(contractKey('sandbox.getStatus', {}), status)),
      api.on('pipeline.status', (status) => {
        client.setQueryData(contractKey('pipeline.statuses', {}), (old: typeof status[] | undefined) => (old ? [...old.filter((s) => s.profileId !== status.profileId), status] : old));
        // A status may open or close an incident: the list is asked again.
        void client.invalidateQueries({ queryKey: contractKey('pipeline.incidents', {}) });
      }),
      api.on('alerts.status', (status) => {
        client.setQueryData(contractKey('alerts.status', {}), (old: typeof status[] | undefined) => (old ? [...old.filter((s) => s.profileId !== status.profileId), status] : old));
        void client.invalidateQueries({ queryKey: contractKey('pipeline.incidents', {}) });
      }),
      api.on('pipeline.paused', ({ pausedUntil }) =>
        client.setQueryData(contractKey('pipeline.incidents', {}), (old: { incidents: unknown[]; pausedUntil: number } | undefined) => (old ? { ...old, pausedUntil } : old)),
      ),
    ];
    return () => offs.forEach((off) => off());
  }, [api, client]);
  return null;
}

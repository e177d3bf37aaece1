import { useQuery, type UseQueryOptions } from '@tanstack/react-query';
import type { MethodInput, MethodName, MethodOutput } from '../../../electron/shared/contract';
import { useApi } from './context';

/** The cache key of a contract call: the method and its input, nothing else. */
export type ContractKey<M extends MethodName> = readonly [M, MethodInput<M>];

export function contractKey<M extends MethodName>(method: M, input: MethodInput<M>): ContractKey<M> {
  return [method, input] as const;
}

type Options<M extends MethodName> = Omit<UseQueryOptions<MethodOutput<M>, Error, MethodOutput<M>, ContractKey<M>>, 'queryKey' | 'queryFn'>;

/** One contract call as a cached query; `input` null waits (e.g. for the active profile). */
export function useContractQuery<M extends MethodName>(method: M, input: MethodInput<M> | null, options: Options<M> = {}) {
  const api = useApi();
  return useQuery<MethodOutput<M>, Error, MethodOutput<M>, ContractKey<M>>({
    ...options,
    // A disabled query still needs a key; it is never fetched.
    queryKey: contractKey(method, (input ?? {}) as MethodInput<M>),
    queryFn: () => api.invoke(method, input as MethodInput<M>),
    enabled: input !== null && (options.enabled ?? true),
  });
}

/** Every health probe, in the order the Health view lists them. A new probe is one file and one line here. */
import { canaryProbe } from './canary-probe.js';
import { clickhouseProbe } from './clickhouse-probe.js';
import { collectorProbe } from './collector-probe.js';
import { otlpProbe } from './otlp-probe.js';
import type { ProbeDefinition } from './probe.js';

export const PROBES: readonly ProbeDefinition<unknown>[] = [collectorProbe, otlpProbe, clickhouseProbe, canaryProbe];

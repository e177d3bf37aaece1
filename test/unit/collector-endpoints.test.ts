/** The collector's other ports derived from one endpoint, and what a gRPC endpoint must look like. */
import { describe, expect, it } from 'vitest';
import { effectiveGrpcEndpoint, effectiveHealthUrl, GrpcUrl, grpcHostPort } from '../../electron/shared/profile-schema.js';

describe('collector endpoints', () => {
  it('derives health and gRPC on the OTLP host, IPv6 included, keeping the scheme', () => {
    expect(effectiveHealthUrl({ healthUrl: null, otlpEndpoint: 'https://otel.example.com/v1/traces' })).toBe('https://otel.example.com:13133/');
    expect(effectiveGrpcEndpoint({ otlpGrpcEndpoint: null, otlpEndpoint: 'https://otel.example.com/v1/traces' })).toBe('https://otel.example.com:4317');
    expect(effectiveHealthUrl({ healthUrl: null, otlpEndpoint: 'http://[::1]:4318/v1/traces' })).toBe('http://[::1]:13133/');
    expect(effectiveGrpcEndpoint({ otlpGrpcEndpoint: null, otlpEndpoint: 'http://[::1]:4318/v1/traces' })).toBe('http://[::1]:4317');
    expect(effectiveGrpcEndpoint({ otlpGrpcEndpoint: 'https://grpc.example.com:443/', otlpEndpoint: 'https://otel.example.com/v1/traces' })).toBe('https://grpc.example.com:443');
  });

  it('gives host:port as gRPC clients and TrueFoundry take it, the default TLS port included', () => {
    expect(grpcHostPort('http://127.0.0.1:4317')).toBe('127.0.0.1:4317');
    expect(grpcHostPort('https://grpc.example.com:443')).toBe('grpc.example.com:443');
    expect(grpcHostPort('http://[::1]:4317')).toBe('[::1]:4317');
  });

  it('takes a gRPC endpoint with its port written out and no path, and refuses the rest with the form it wants', () => {
    for (const ok of ['http://127.0.0.1:4317', 'https://grpc.example.com:443', 'https://grpc.example.com:4317/', 'http://[::1]:4317']) expect(GrpcUrl.safeParse(ok).success, ok).toBe(true);
    for (const bad of ['https://grpc.example.com', 'http://h:4317/v1/traces', 'http://h:4317?x=1', 'grpc://h:4317']) {
      const parsed = GrpcUrl.safeParse(bad);
      expect(parsed.success, bad).toBe(false);
    }
    expect(GrpcUrl.safeParse('https://grpc.example.com').error?.issues[0]?.message).toMatch(/with the port and no path/);
  });
});

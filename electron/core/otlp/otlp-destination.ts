/** Where and how the app sends OTLP for a profile: the protocol the gateway uses, its endpoint, and the token. */
import { effectiveGrpcEndpoint, grpcHostPort, type OtlpProtocol, type Profile } from '../../shared/profile-schema.js';

export interface OtlpDestination {
  protocol: OtlpProtocol;
  /** The OTLP/HTTP traces URL (…/v1/traces). */
  httpEndpoint: string;
  /** The OTLP/gRPC endpoint as http(s)://host:port; https means TLS. */
  grpcEndpoint: string;
  token: string | null;
}

export function destinationOf(profile: Pick<Profile, 'otlpProtocol' | 'otlpEndpoint' | 'otlpGrpcEndpoint'>, token: string | null): OtlpDestination {
  return { protocol: profile.otlpProtocol, httpEndpoint: profile.otlpEndpoint, grpcEndpoint: effectiveGrpcEndpoint(profile), token };
}

/** What the user would type into TrueFoundry for this destination: host:port for gRPC, the full URL for HTTP. */
export function endpointShown(d: OtlpDestination): string {
  return d.protocol === 'grpc' ? grpcHostPort(d.grpcEndpoint) : d.httpEndpoint;
}

/** What a collector uses to say when to retry: the Retry-After header over HTTP, a RetryInfo status detail over gRPC. */
export function retryHintName(protocol: OtlpProtocol): 'RetryInfo' | 'Retry-After' {
  return protocol === 'grpc' ? 'RetryInfo' : 'Retry-After';
}

export function protocolName(protocol: OtlpProtocol): string {
  return { 'http/json': 'OTLP/HTTP (JSON)', 'http/protobuf': 'OTLP/HTTP (protobuf)', grpc: 'OTLP/gRPC' }[protocol];
}

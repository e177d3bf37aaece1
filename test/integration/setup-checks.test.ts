/** Each setup step's failure causes, produced for real against sandboxes, closed ports and local servers. */
import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkClickHouse } from '../../electron/core/setup/clickhouse-check.js';
import { checkCollectorHealth, checkOtlpEndpoint, emptyOtlpExport } from '../../electron/core/setup/collector-check.js';
import { createServer as createTcpServer } from 'node:net';
import type { OtlpDestination } from '../../electron/core/otlp/otlp-destination.js';
import { OTLP_PROTOCOLS, type OtlpProtocol } from '../../electron/shared/profile-schema.js';
import { checkGatewaySpans } from '../../electron/core/setup/spans-check.js';
import { clickhouseUrlWarnings, destinationWarnings, otlpEndpointWarnings } from '../../electron/core/setup/endpoint-warnings.js';
import { dockerRunCommand, dockerRunNote, trueFoundryValues } from '../../electron/core/setup/integration-guide.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';
import { jsonTraceRequest, postOtlp } from '../support/otlp-http.js';

let withPassword: TestSandbox;
let inOtelDb: TestSandbox;
let hanging: Server;
let notClickHouse: Server;
const url = (s: Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;

beforeAll(async () => {
  [withPassword, inOtelDb] = await Promise.all([
    startTestSandbox({ args: ['--clickhouse-password-env', 'CST_PW', '--auth-token-env', 'CST_TOKEN'], env: { CST_PW: 'right-password', CST_TOKEN: 'tok' } }),
    startTestSandbox({ args: ['--database', 'otel', '--schema', 'exporter'] }),
  ]);
  hanging = createServer(() => undefined); // accepts, never answers
  notClickHouse = createServer((_req, res) => {
    res.writeHead(404);
    res.end('not here');
  });
  await Promise.all([new Promise<void>((r) => hanging.listen(0, '127.0.0.1', r)), new Promise<void>((r) => notClickHouse.listen(0, '127.0.0.1', r))]);
});
afterAll(async () => {
  hanging?.closeAllConnections();
  hanging?.close();
  notClickHouse?.close();
  await Promise.all([withPassword?.dispose(), inOtelDb?.dispose()]);
});

describe('step 1: ClickHouse', () => {
  it('passes, finds the table and recognises the ClickStack schema', async () => {
    const { result, database, layout } = await checkClickHouse({ url: withPassword.clickhouse, user: 'default', password: 'right-password' });
    expect(result.status).toBe('passed');
    expect([database, layout]).toEqual(['default', 'clickstack-text']);
  });

  it('says the password is wrong', async () => {
    const { result } = await checkClickHouse({ url: withPassword.clickhouse, user: 'default', password: 'Pw-XYZZY-typo' });
    expect(result.status).toBe('failed');
    expect(result.summary).toBe('ClickHouse refused user default: wrong password or unknown user.');
    expect(JSON.stringify(result)).not.toContain('XYZZY');
  });

  it('names an unknown host', async () => {
    const { result } = await checkClickHouse({ url: 'http://no-such-host.invalid:8123', user: 'default', password: '' });
    expect(result.summary).toMatch(/does not resolve/);
  });

  it('says when the connection is refused', async () => {
    const { result } = await checkClickHouse({ url: 'http://127.0.0.1:9', user: 'default', password: '' });
    expect(result.summary).toMatch(/connection was refused/);
    expect(result.fix).toMatch(/Start the ClickHouse server/);
  });

  it('says when the server does not answer in time', async () => {
    const { result } = await checkClickHouse({ url: url(hanging), user: 'default', password: '' });
    expect(result.summary).toMatch(/did not answer in time/);
  }, 20_000);

  it('says when the URL is not ClickHouse’s HTTP interface', async () => {
    const { result } = await checkClickHouse({ url: `${url(notClickHouse)}/some/path`, user: 'default', password: '' });
    expect(result.summary).toMatch(/answered 404 at \/some\/path\/ping: \/some\/path is not ClickHouse's HTTP interface/);
  });

  it('finds the table in another database and names the collector setting', async () => {
    const { result, database, layout } = await checkClickHouse({ url: inOtelDb.clickhouse, user: 'default', password: '' });
    expect(result.status).toBe('passed');
    expect([database, layout]).toEqual(['otel', 'exporter']);
    expect(result.summary).toContain('HYPERDX_OTEL_EXPORTER_CLICKHOUSE_DATABASE=otel');
  });

  it('says when no database has otel_traces', async () => {
    const client = createClient({ url: inOtelDb.clickhouse, log: { level: ClickHouseLogLevel.OFF } });
    await client.command({ query: 'RENAME TABLE otel.otel_traces TO otel.otel_traces_moved' });
    try {
      const { result } = await checkClickHouse({ url: inOtelDb.clickhouse, user: 'default', password: '' });
      expect(result.summary).toMatch(/no database on this server has an otel_traces table/);
    } finally {
      await client.command({ query: 'RENAME TABLE otel.otel_traces_moved TO otel.otel_traces' });
      await client.close();
    }
  });
});

describe('steps 2 and 3: the collector', () => {
  it('reads the health endpoint', async () => {
    expect((await checkCollectorHealth(withPassword.health)).status).toBe('passed');
    expect((await checkCollectorHealth('http://127.0.0.1:9/')).summary).toMatch(/refused/);
    expect((await checkCollectorHealth(`${url(notClickHouse)}/`)).summary).toMatch(/not as the collector's health_check/);
  });

  const dest = (protocol: OtlpProtocol, token: string | null, over: Partial<OtlpDestination> = {}): OtlpDestination => ({ protocol, httpEndpoint: withPassword.otlp, grpcEndpoint: `http://${withPassword.otlpGrpc}`, token, ...over });

  it.each(OTLP_PROTOCOLS)('over %s: passes with the right token, explains a wrong or missing one, and a refused port', async (protocol) => {
    const ok = await checkOtlpEndpoint(dest(protocol, 'tok'));
    expect(ok.status, ok.summary).toBe('passed');
    expect(ok.summary).toMatch(protocol === 'grpc' ? /accepted an OTLP\/gRPC export at 127\.0\.0\.1:\d+ \(OK\)/ : protocol === 'http/protobuf' ? /accepted an OTLP\/protobuf export at \/v1\/traces \(200\)/ : /accepted an OTLP\/JSON export/);
    expect(ok.facts).toContainEqual({ label: 'Protocol', value: { 'http/json': 'OTLP/HTTP (JSON)', 'http/protobuf': 'OTLP/HTTP (protobuf)', grpc: 'OTLP/gRPC' }[protocol] });
    expect((await checkOtlpEndpoint(dest(protocol, 'nope'))).summary).toMatch(/token does not match/);
    expect((await checkOtlpEndpoint(dest(protocol, null))).summary).toMatch(/requires a token/);
    expect((await checkOtlpEndpoint(dest(protocol, null, { httpEndpoint: 'http://127.0.0.1:9/v1/traces', grpcEndpoint: 'http://127.0.0.1:9' }))).summary).toMatch(/Nothing is listening at 127\.0\.0\.1:9/);
  });

  it('says a gRPC port that takes the connection and never answers did not answer in time (a timeout for health, not a refusal)', async () => {
    const sockets: import('node:net').Socket[] = [];
    const silent = createTcpServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const port = (silent.address() as AddressInfo).port;
      const { result, httpStatus } = await emptyOtlpExport(dest('grpc', 'tok', { grpcEndpoint: `http://127.0.0.1:${port}` }), AbortSignal.timeout(1_000));
      expect(result.status).toBe('failed');
      expect(result.summary).toBe(`127.0.0.1:${port} did not answer the gRPC call in time.`);
      expect(httpStatus).toBeNull();
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });

  it('explains a wrong path over HTTP, and a gRPC endpoint that is really the HTTP port', async () => {
    expect((await checkOtlpEndpoint(dest('http/json', 'tok', { httpEndpoint: withPassword.otlp.replace('/v1/traces', '/v1/trace') }))).summary).toMatch(/was not found on the collector \(404\)/);
    const httpPort = new URL(withPassword.otlp).port;
    const wrongPort = await checkOtlpEndpoint(dest('grpc', 'tok', { grpcEndpoint: `http://127.0.0.1:${httpPort}` }));
    expect(wrongPort.status).toBe('failed');
    expect(wrongPort.summary).toMatch(/not as a gRPC server/);
    expect(wrongPort.fix).toMatch(/4317/);
  });
});

describe('step 5: the first gateway span', () => {
  it('fails until a gateway span arrives, then names it', async () => {
    const target = { url: withPassword.clickhouse, user: 'default', password: 'right-password', database: 'default', serviceName: 'tfy-llm-gateway' };
    expect((await checkGatewaySpans(target)).summary).toMatch(/No span of service "tfy-llm-gateway"/);
    await postOtlp(withPassword.otlp, jsonTraceRequest([{ service: 'tfy-llm-gateway', name: 'ChatCompletion' }]), { 'content-type': 'application/json', authorization: 'tok' });
    const result = await checkGatewaySpans(target);
    expect(result.status).toBe('passed');
    expect(result.summary).toContain('"ChatCompletion"');
  });
});

describe('warnings and the guide', () => {
  it('warns about endpoints TrueFoundry cannot use', () => {
    expect(otlpEndpointWarnings('http://192.168.1.4:4318/v1/traces')[0]).toMatch(/private address/);
    expect(otlpEndpointWarnings('http://otel.example.com/v1/traces')[0]).toMatch(/unencrypted/);
    expect(otlpEndpointWarnings('https://otel.example.com/v1/logs')[0]).toMatch(/path is \/v1\/logs/);
    expect(otlpEndpointWarnings('https://otel.example.com/v1/traces')).toEqual([]);
    expect(clickhouseUrlWarnings('ch.example.com:8443')[0]).toMatch(/needs a scheme/);
    expect(clickhouseUrlWarnings('https://ch.example.com')[0]).toMatch(/no port/);
  });

  it('builds a docker run that never contains the password and quotes every value', () => {
    const cmd = dockerRunCommand({ clickhouseUrl: "https://ch.example.com:8443/?x='y'", clickhouseUser: 'ingest', database: 'otel', withToken: true });
    expect(cmd).toContain('-e CLICKHOUSE_PASSWORD="$CLICKHOUSE_PASSWORD"');
    expect(cmd).toContain(`-e CLICKHOUSE_ENDPOINT='https://ch.example.com:8443/?x='\\''y'\\''' \\`);
    expect(cmd).toContain("-e HYPERDX_OTEL_EXPORTER_CLICKHOUSE_DATABASE='otel'");
    expect(cmd).toContain('-p 4317:4317 -p 4318:4318 -p 13133:13133');
    expect(cmd).toContain('clickhouse/clickstack-otel-collector:latest');
    // A read-only profile user cannot insert: the collector's user comes from the shell, as its password does.
    const writer = dockerRunCommand({ clickhouseUrl: 'https://ch.example.com:8443', clickhouseUser: null, database: null, withToken: false });
    expect(writer).toContain('-e CLICKHOUSE_USER="$CLICKHOUSE_USER"');
    expect(writer).not.toContain("CLICKHOUSE_USER='");
  });

  it('lets a container reach a ClickHouse on this machine: host networking on Linux, host.docker.internal on Docker Desktop', () => {
    const local = { clickhouseUrl: 'http://127.0.0.1:8123', clickhouseUser: 'default', database: null, withToken: false };
    const linux = dockerRunCommand({ ...local, dockerHost: 'linux' });
    expect(linux).toContain('--network host');
    expect(linux).toContain("-e CLICKHOUSE_ENDPOINT='http://127.0.0.1:8123'");
    expect(linux).not.toContain('-p 4317'); // meaningless (and warned about) with host networking
    const desktop = dockerRunCommand({ ...local, clickhouseUrl: 'http://localhost:8123', dockerHost: 'docker-desktop' });
    expect(desktop).toContain("-e CLICKHOUSE_ENDPOINT='http://host.docker.internal:8123'");
    expect(desktop).not.toContain('--network host');
    expect(desktop).toContain('-p 4317:4317');
    expect(dockerRunNote('http://127.0.0.1:8123', 'linux')).toMatch(/--network host/);
    expect(dockerRunNote('http://127.0.0.1:8123', 'docker-desktop')).toMatch(/host\.docker\.internal/);
    // A remote ClickHouse is left as given.
    expect(dockerRunCommand({ ...local, clickhouseUrl: 'https://ch.example.com:8443', dockerHost: 'linux' })).not.toContain('--network host');
    expect(dockerRunNote('https://ch.example.com:8443', 'linux')).toBeNull();
  });

  it('gives TrueFoundry the values of each protocol', () => {
    const d = { httpEndpoint: 'https://otel.example.com/v1/traces', grpcEndpoint: 'https://otel.example.com:4317', token: null };
    expect(trueFoundryValues({ ...d, protocol: 'grpc' }, true).map((v) => `${v.label}=${v.value}`)).toEqual(['Protocol=gRPC', 'Endpoint=otel.example.com:4317', 'TLS=on', 'Header=authorization: <your OTLP token>']);
    expect(trueFoundryValues({ ...d, protocol: 'http/protobuf' }, false).map((v) => `${v.label}=${v.value}`)).toEqual(['Protocol=HTTP', 'Endpoint=https://otel.example.com/v1/traces', 'Encoding=Proto', 'Header=Content-Type: application/x-protobuf']);
    expect(destinationWarnings({ ...d, protocol: 'grpc', grpcEndpoint: 'http://otel.example.com:4317' })[0]).toMatch(/Plaintext gRPC/);
    expect(destinationWarnings({ ...d, protocol: 'grpc', grpcEndpoint: 'http://10.0.0.5:4317' })[0]).toMatch(/private address/);
  });
});

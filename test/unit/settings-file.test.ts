/** A corrupt or hand-edited settings file is kept as a backup and reported; the app starts on defaults. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSettingsFile } from '../../electron/core/profiles/settings-file.js';
import { ProfileStore } from '../../electron/core/profiles/profile-store.js';
import { defaultSettings } from '../../electron/shared/profile-schema.js';

const dir = () => mkdtempSync(join(tmpdir(), 'cst-settings-'));

describe('settings file', () => {
  it('starts with the Local sandbox profile when there is no file', () => {
    const { settings, problem } = loadSettingsFile(join(dir(), 'config.json'));
    expect(problem).toBeNull();
    expect(settings.profiles.map((p) => p.name)).toEqual(['Local sandbox']);
  });

  it.each([
    ['truncated JSON', '{"version":1,"profiles":[', /not valid JSON/],
    ['a hand edit with a bad URL', JSON.stringify({ ...defaultSettings(), profiles: [{ ...defaultSettings().profiles[0], otlpEndpoint: 'not a url' }] }), /profiles\.0\.otlpEndpoint/],
  ])('moves %s aside and says where it went', (_label, text, why) => {
    const d = dir();
    const path = join(d, 'config.json');
    writeFileSync(path, text);
    const { settings, problem } = loadSettingsFile(path, new Date('2026-01-02T03:04:05Z'));
    expect(problem).toMatch(why);
    expect(problem).toContain('config.json.corrupt-2026-01-02T03-04-05-000Z');
    expect(settings).toEqual(defaultSettings());
    expect(existsSync(path)).toBe(false);
    expect(readFileSync(join(d, readdirSync(d)[0]!), 'utf8')).toBe(text);
  });

  it('never writes an invalid document', () => {
    const file = { store: {} as Record<string, unknown> };
    const store = new ProfileStore(file, defaultSettings());
    expect(() => store.create({ name: '', otlpEndpoint: 'https://a.example/v1/traces', clickhouseUrl: 'https://c.example:8443' })).toThrow();
    expect(() => store.create({ name: 'x', otlpEndpoint: 'ftp://a.example', clickhouseUrl: 'https://c.example:8443' })).toThrow(/http/);
    expect((file.store.profiles as unknown[]).length).toBe(1);
    store.create({ name: 'Prod', otlpEndpoint: 'https://otel.example.com/v1/traces', clickhouseUrl: 'https://ch.example.com:8443' });
    expect(() => store.create({ name: 'prod', otlpEndpoint: 'https://otel.example.com/v1/traces', clickhouseUrl: 'https://ch.example.com:8443' })).toThrow(/already exists/);
    expect(() => store.delete('local-sandbox')).toThrow(/cannot be deleted/);
  });
});

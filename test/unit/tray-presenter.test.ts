/** The tray renders icon, tooltip and menu from one state, with an injected Tray. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TrayPresenter, trayIconPath, type MenuItemSpec, type TrayTone } from '../../electron/main/tray-presenter.js';
import { trayState } from '../../electron/main/tray-state.js';
import { PIPELINE_STATES, STATE_TONE } from '../../electron/shared/pipeline-status.js';

function fakeTray() {
  const calls = { image: '', tooltip: '', menu: [] as MenuItemSpec[] };
  return {
    calls,
    tray: {
      setImage: (p: string) => void (calls.image = p),
      setToolTip: (t: string) => void (calls.tooltip = t),
      setContextMenu: (m: unknown) => void (calls.menu = m as MenuItemSpec[]),
    },
  };
}

const NOW = 1_800_000_000_000;
const profiles = {
  activeProfileId: 'b',
  loadProblem: null,
  vault: { backend: 'keychain' as const, detail: '' },
  profiles: [
    { id: 'a', name: 'Local sandbox' },
    { id: 'b', name: 'Production' },
  ].map((p) => ({ ...p, kind: 'remote' as const, otlpEndpoint: 'https://x/v1/traces', otlpProtocol: 'http/json' as const, otlpGrpcEndpoint: null, healthUrl: null, clickhouseUrl: 'https://c:8443', clickhouseUser: 'default', database: null, hyperdxUrl: null, hyperdxSourceId: null, serviceName: 's', stallThresholdMinutes: 10, pollIntervalSeconds: 30, canaryIntervalMinutes: null, passwordSet: false, tokenSet: false, warnings: [] })),
};
const empty = (id: string) => ({ id, title: id, ok: null, detail: '', failure: null, at: null, durationMs: null });
const status = (state: 'Healthy' | 'Down' | 'Stalled' | 'Idle') => ({
  profileId: 'b',
  profileName: 'Production',
  state,
  reason: `reason for ${state}`,
  since: NOW,
  components: ['collector', 'otlp', 'clickhouse', 'canary'].map(empty),
  newestSpanAt: NOW - 42_000,
  spansPerMinute: [],
  canaryLatencies: [],
});

describe('tray presenter', () => {
  it('shows the active profile’s state in the icon, tooltip and menu; every item works', () => {
    const { tray, calls } = fakeTray();
    const log: string[] = [];
    const presenter = new TrayPresenter({
      tray,
      assetsDir: 'assets',
      platform: 'linux',
      now: () => NOW,
      buildMenu: (items) => items,
      onOpen: () => log.push('open'),
      onSendTestTrace: () => log.push('test'),
      onSwitchProfile: (id) => log.push(`switch:${id}`),
      onPauseNotifications: (m) => log.push(`pause:${m}`),
      onQuit: () => log.push('quit'),
    });
    presenter.render(trayState(profiles, status('Down'), 0, NOW));
    expect(calls.image).toBe(join('assets', 'tray-down.png'));
    expect(calls.tooltip).toBe('clickstack-tray — Production: Down\nreason for Down (newest span 42 s ago)');
    expect(calls.menu[0]).toEqual({ label: 'Production: Down', enabled: false });
    const profileMenu = calls.menu.find((m) => m.label === 'Profile')!.submenu!;
    expect(profileMenu.map((p) => [p.label, p.checked])).toEqual([
      ['Local sandbox', false],
      ['Production', true],
    ]);
    profileMenu[0]!.click!();
    for (const label of ['Send test trace', 'Open clickstack-tray', 'Pause notifications for 1 hour', 'Quit']) calls.menu.find((m) => m.label === label)!.click!();
    expect(log).toEqual(['switch:a', 'test', 'open', 'pause:60', 'quit']);

    presenter.render(trayState(profiles, status('Stalled'), NOW + 3_600_000, NOW));
    // Stalled is red in the window, so the tray shows it as down, not as a warning.
    expect(calls.image).toBe(join('assets', 'tray-down.png'));
    expect(calls.tooltip).toContain('Notifications paused');
    expect(calls.menu.some((m) => m.label?.startsWith('Resume notifications'))).toBe(true);
  });

  it('uses Template images on macOS and has an icon file for every state at 1x and 2x', () => {
    for (const tone of ['healthy', 'warning', 'down', 'idle'] as TrayTone[]) {
      expect(trayIconPath('assets', tone, 'darwin')).toBe(join('assets', `tray-${tone}Template.png`));
      for (const file of [`tray-${tone}.png`, `tray-${tone}@2x.png`, `tray-${tone}Template.png`, `tray-${tone}Template@2x.png`]) {
        expect(existsSync(join('assets', file)), file).toBe(true);
      }
    }
  });
});

describe('one colour table for the tray and the window', () => {
  it('gives every state the same colour in both', () => {
    const icon = { ok: 'healthy', idle: 'idle', warn: 'warning', bad: 'down' } as const;
    for (const state of PIPELINE_STATES) {
      const tray = trayState(profiles, { ...status('Healthy'), state }, 0, NOW).tone;
      expect(tray, state).toBe(icon[STATE_TONE[state]]);
    }
    expect(STATE_TONE.Stalled).toBe('bad');
    expect(STATE_TONE.Degraded).toBe('warn');
  });
});

describe('tray with firing alerts', () => {
  const alerts = (firing: boolean) => ({
    profileId: 'b',
    profileName: 'Production',
    evaluatedAt: NOW,
    error: null,
    firing: firing ? 1 : 0,
    rowsRead: 100,
    elapsedMs: 3,
    rules: [
      {
        ruleId: 'model-errors',
        name: 'Model error rate',
        metric: 'errorRate' as const,
        enabled: true,
        summary: '',
        scopes: [
          { scope: 'anthropic-main/claude-sonnet-4', value: 0.7, threshold: 0.2, baseline: null, requests: 40, topError: '429', firing, pending: false, note: '' },
          { scope: 'openai-main/gpt-4o', value: 0.05, threshold: 0.2, baseline: null, requests: 40, topError: '', firing: false, pending: false, note: '' },
        ],
      },
    ],
  });

  it('a healthy pipeline with a firing alert is amber, and the tooltip and menu name the alert', () => {
    const { tray, calls } = fakeTray();
    const presenter = new TrayPresenter({ tray, assetsDir: 'assets', platform: 'linux', now: () => NOW, buildMenu: (items) => items, onOpen: () => undefined, onSendTestTrace: () => undefined, onSwitchProfile: () => undefined, onPauseNotifications: () => undefined, onQuit: () => undefined });
    presenter.render(trayState(profiles, status('Healthy'), 0, NOW, alerts(true)));
    expect(calls.image).toBe(trayIconPath('assets', 'warning', 'linux'));
    expect(calls.tooltip).toContain('Production: Healthy · 1 alert firing');
    expect(calls.tooltip).toContain('Model error rate: anthropic-main/claude-sonnet-4 at 70 % (threshold 20 %)');
    expect(calls.tooltip).not.toContain('gpt-4o');
    expect(calls.menu.map((m) => m.label)).toContain('Model error rate: anthropic-main/claude-sonnet-4 at 70 % (threshold 20 %)');
    // A red pipeline stays red; nothing firing changes nothing.
    presenter.render(trayState(profiles, status('Down'), 0, NOW, alerts(true)));
    expect(calls.image).toBe(trayIconPath('assets', 'down', 'linux'));
    presenter.render(trayState(profiles, status('Healthy'), 0, NOW, alerts(false)));
    expect(calls.image).toBe(trayIconPath('assets', 'healthy', 'linux'));
    expect(calls.tooltip).not.toContain('firing');
  });
});

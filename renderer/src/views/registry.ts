import type { ComponentType } from 'react';
import { ExploreView } from './ExploreView';
import { HealthView } from './HealthView';
import { LiveTailView } from './LiveTailView';
import { SettingsView } from './SettingsView';
import { SetupView } from './SetupView';

export const VIEWS = [
  { id: 'setup', title: 'Setup', Component: SetupView },
  { id: 'health', title: 'Health', Component: HealthView },
  { id: 'tail', title: 'Live tail', Component: LiveTailView },
  { id: 'explore', title: 'Explore', Component: ExploreView },
  { id: 'settings', title: 'Settings', Component: SettingsView },
] as const satisfies readonly { id: string; title: string; Component: ComponentType }[];

export type ViewId = (typeof VIEWS)[number]['id'];

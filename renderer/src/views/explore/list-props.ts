import type { SearchWindow } from '../../api/explore-queries';

/** What Explore hands each kind of list: the one query state, and the selection it shares with the drawer. */
export interface ListProps<T> {
  window: SearchWindow | null;
  height: number;
  activeKey: string | null;
  openKey: string | null;
  onActive: (row: T) => void;
  onOpen: (row: T) => void;
}

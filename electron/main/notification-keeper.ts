/**
 * Native notifications stay referenced until they are clicked or closed: a Notification that
 * is garbage-collected loses its click handler, so a click on it in the notification centre
 * would do nothing. A small cap keeps a flood from holding memory forever.
 */
export interface NotificationLike {
  on(event: 'click' | 'close', listener: () => void): unknown;
  show(): void;
}

export const MAX_KEPT_NOTIFICATIONS = 20;

export class NotificationKeeper<N extends NotificationLike> {
  private readonly kept: N[] = [];

  get size(): number {
    return this.kept.length;
  }

  show(notification: N, onClick: () => void): void {
    const release = () => {
      const i = this.kept.indexOf(notification);
      if (i >= 0) this.kept.splice(i, 1);
    };
    notification.on('click', () => {
      release();
      onClick();
    });
    notification.on('close', release);
    this.kept.push(notification);
    if (this.kept.length > MAX_KEPT_NOTIFICATIONS) this.kept.shift();
    notification.show();
  }
}

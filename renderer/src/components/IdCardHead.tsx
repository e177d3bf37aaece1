import type { ReactNode } from 'react';
import { CopyButton } from './CopyButton';

/** The head of a card about one thing with an id (a trace, a conversation): the id, copy, the card's own actions, close. */
export function IdCardHead({ what, id, onClose, children }: { what: string; id: string; onClose: () => void; children?: ReactNode }) {
  return (
    <div className="card-head">
      <h2>
        {what} <code>{id}</code>
      </h2>
      <div className="row tight">
        <CopyButton text={id} label={`Copy ${what.toLowerCase()} id`} />
        {children}
        <button type="button" className="secondary small" onClick={onClose}>
          Close
        </button>
      </div>
    </div>
  );
}

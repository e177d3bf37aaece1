import { useMemo, useRef, useState } from 'react';
import { useContractQuery } from '../api/contract-query';
const HISTORY_KEY = 'clickstack-tray.search-history';
const HISTORY_MAX = 20;
const SUGGESTIONS_MAX = 8;

export function readHistory(): string[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(HISTORY_KEY) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string').slice(0, HISTORY_MAX) : [];
  } catch {
    return [];
  }
}

export function remember(query: string): void {
  if (!query.trim()) return;
  try {
    localStorage.setItem(HISTORY_KEY, JSON.stringify([query, ...readHistory().filter((q) => q !== query)].slice(0, HISTORY_MAX)));
  } catch {
    // storage full or off: history is a convenience
  }
}

/** The word being typed at the end of the box: a field name is being written when it has no colon yet. */
function currentWord(value: string): { start: number; word: string } {
  const m = /(^|[\s(])(-?)([^\s():"]*)$/.exec(value);
  return m ? { start: m.index + m[1]!.length + m[2]!.length, word: m[3]! } : { start: value.length, word: '' };
}

/**
 * The search input: HyperDX's syntax or a SQL WHERE expression, with field and attribute-key
 * completion (Tab or Enter takes the highlighted one), recent searches when empty, and the
 * syntax help one click away.
 */
export function SearchBox({ profileId, value, onChange, language, onLanguage, placeholder, onArrowDown }: { profileId: string | undefined; value: string; onChange: (v: string) => void; language: 'lucene' | 'sql'; onLanguage: (l: 'lucene' | 'sql') => void; placeholder: string; /** ↓ with no suggestion open: the results take the keyboard (false when there are none). */ onArrowDown?: () => boolean }) {
  // Completion is a convenience: without the fields the box still works.
  const fields = useContractQuery('traces.fields', profileId ? { profileId } : null, { staleTime: 5 * 60_000 }).data ?? null;
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const [help, setHelp] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  // Closing on blur waits a moment (a click on a suggestion blurs first); coming back cancels it.
  const closing = useRef<number | null>(null);
  const cancelClose = () => {
    if (closing.current !== null) window.clearTimeout(closing.current);
    closing.current = null;
  };
  const options = useMemo(() => {
    if (language === 'sql') return [];
    if (!value.trim()) return readHistory().map((q) => ({ label: q, insert: q, whole: true, note: 'recent' }));
    const { word } = currentWord(value);
    if (!word || word.includes(':') || !fields) return [];
    const lower = word.toLowerCase();
    const names = [
      ...fields.shortFields.map((f) => ({ name: f, note: 'short field' })),
      ...fields.columns.map((c) => ({ name: c, note: 'column' })),
      ...fields.spanKeys.map((k) => ({ name: `SpanAttributes.${k}`, note: 'span attribute' })),
      ...fields.resourceKeys.map((k) => ({ name: `ResourceAttributes.${k}`, note: 'resource attribute' })),
    ];
    return names
      .filter((n) => n.name.toLowerCase().includes(lower) && n.name !== word)
      .sort((a, b) => Number(!a.name.toLowerCase().startsWith(lower)) - Number(!b.name.toLowerCase().startsWith(lower)) || a.name.length - b.name.length)
      .slice(0, SUGGESTIONS_MAX)
      .map((n) => ({ label: n.name, insert: `${n.name}:`, whole: false, note: n.note }));
  }, [value, fields, language]);

  const accept = (i: number) => {
    const o = options[i];
    if (!o) return;
    onChange(o.whole ? o.insert : value.slice(0, currentWord(value).start) + o.insert);
    setOpen(false);
    input.current?.focus();
  };

  const showing = open && options.length > 0;
  return (
    <div className="searchbox grow">
      <div className="row tight nowrap">
        <div className="seg" role="group" aria-label="Search language">
          {(['lucene', 'sql'] as const).map((l) => (
            <button key={l} type="button" className={language === l ? 'small' : 'secondary small'} aria-pressed={language === l} data-testid={`language-${l}`} onClick={() => onLanguage(l)}>
              {l === 'lucene' ? 'Lucene' : 'SQL'}
            </button>
          ))}
        </div>
        <input
          ref={input}
          className="grow"
          value={value}
          onChange={(e) => {
            cancelClose();
            onChange(e.target.value);
            setOpen(true);
            setActive(0);
          }}
          onFocus={() => {
            cancelClose();
            setOpen(true);
          }}
          onBlur={() => {
            cancelClose();
            closing.current = window.setTimeout(() => setOpen(false), 150);
          }}
          onKeyDown={(e) => {
            if (!showing) {
              if (e.key === 'ArrowDown' && !e.altKey && onArrowDown?.()) e.preventDefault();
              return;
            }
            if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
              e.preventDefault();
              setActive((a) => (a + (e.key === 'ArrowDown' ? 1 : options.length - 1)) % options.length);
            } else if (e.key === 'Tab' || (e.key === 'Enter' && !options[active]?.whole && currentWord(value).word)) {
              e.preventDefault();
              accept(active);
            } else if (e.key === 'Escape') {
              setOpen(false);
            }
          }}
          placeholder={language === 'sql' ? "SQL WHERE, e.g. StatusCode = 'Error' AND Duration > 2e9" : placeholder}
          aria-label="Search"
          aria-autocomplete="list"
          aria-expanded={showing}
          aria-controls="search-suggestions"
          data-testid="search-input"
          spellCheck={false}
        />
        <button type="button" className="secondary small" aria-expanded={help} onClick={() => setHelp((h) => !h)} title="Search syntax" data-testid="search-help-toggle">
          ?
        </button>
      </div>
      {showing ? (
        <ul className="suggestions" id="search-suggestions" role="listbox" data-testid="search-suggestions">
          {options.map((o, i) => (
            <li key={o.label} role="option" aria-selected={i === active} className={i === active ? 'active' : ''} onMouseDown={(e) => e.preventDefault()} onClick={() => accept(i)}>
              <code>{o.label}</code> <span className="muted small">{o.note}</span>
            </li>
          ))}
        </ul>
      ) : null}
      {help && fields ? (
        <table className="history help" data-testid="search-help" aria-label="Search syntax">
          <tbody>
            {fields.help.map(([syntax, meaning]) => (
              <tr key={syntax}>
                <td>
                  <code>{syntax}</code>
                </td>
                <td>{meaning}</td>
              </tr>
            ))}
            <tr>
              <td>
                <code>SQL</code>
              </td>
              <td>a ClickHouse WHERE expression over the spans (HyperDX's SQL mode), run read-only with a time limit</td>
            </tr>
          </tbody>
        </table>
      ) : null}
    </div>
  );
}

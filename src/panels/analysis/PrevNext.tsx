// Previous / next through a list (steps, gaps): two buttons and two keys, active while
// the panel is open.

import { useEffect } from 'react';
import { isTypingTarget } from '../../timeline/gestures';

export function PrevNext({ count, current, open, keys, what }: { count: number; current: number; open: (i: number) => void; keys: [string, string]; what: string }) {
  const prev = () => open(Math.max(0, current - 1));
  const next = () => open(Math.min(count - 1, current + 1));
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTypingTarget(e.target) || e.ctrlKey || e.metaKey || e.altKey || !keys.includes(e.key)) return;
      e.preventDefault();
      if (e.key === keys[0]) prev();
      else next();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });
  return (
    <>
      <button className="button small" onClick={prev} disabled={!count} title={`Previous ${what} (${keys[0]})`}>
        ◀ Prev
      </button>
      <button className="button small" onClick={next} disabled={!count} title={`Next ${what} (${keys[1]})`}>
        Next ▶
      </button>
    </>
  );
}

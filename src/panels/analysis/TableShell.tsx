// The frame of a list panel's table: status / empty text, then a scrolling table with
// a sticky header; `data-total-rows` on the table for automation.

import type { ReactNode } from 'react';
import { StatusLine, type QueryState } from './useTraceQuery';

export function TableShell({ state, count, empty, testId, head, children }: { state: QueryState<unknown>; count: number; empty: string; testId: string; head: ReactNode; children: ReactNode }) {
  return (
    <>
      <StatusLine state={state} empty={state.data && !count ? empty : false} />
      {count > 0 && (
        <div className="table-scroll">
          <table className="analysis-table" data-testid={testId} data-total-rows={count}>
            <thead>
              <tr>{head}</tr>
            </thead>
            <tbody>{children}</tbody>
          </table>
        </div>
      )}
    </>
  );
}

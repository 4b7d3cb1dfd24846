// Outline every instance of one name on the timeline: the search bar runs an exact-name
// search (so its count and Enter / Shift+Enter stepping apply to them too).

import type { LaneKind } from '../../model/types';
import { useStore } from '../../state/store';

export function highlightInstances(name: string, laneKind?: LaneKind): void {
  useStore.getState().requestSearch({ text: `^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, regex: true, laneKind });
}

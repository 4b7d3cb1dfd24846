// PNG of the current view for incident notes: the scene the timeline last drew,
// rendered again by the same pure renderer with the time axis on top and a lane-name
// column on the left, so the picture is exactly what was on screen plus its labels.

import { renderTimeline, type TimelineScene } from '../timeline/renderer';

const HEADER_PX = 280;
const AXIS_PX = 28;

let lastScene: TimelineScene | null = null;

/** The timeline calls this with every scene it draws. */
export function rememberScene(scene: TimelineScene): void {
  lastScene = scene;
}

/** The scene drawn last (automation reads what is on screen from it). */
export function lastDrawnScene(): TimelineScene | null {
  return lastScene;
}

/** The export scene: lanes moved below the axis, names in a header column, no hover. */
export function exportScene(scene: TimelineScene, dpr: number): TimelineScene {
  return {
    ...scene,
    width: HEADER_PX + scene.width,
    height: AXIS_PX + scene.height,
    dpr,
    headerWidth: HEADER_PX,
    axisHeight: AXIS_PX,
    rangeLabel: true,
    hover: null,
    lanes: scene.lanes.map((l) => ({ ...l, y: l.y + AXIS_PX })),
    groups: scene.groups.map((g) => ({ ...g, y: g.y + AXIS_PX })),
  };
}

export async function currentViewPng(): Promise<Blob | null> {
  if (!lastScene) return null;
  const dpr = Math.max(1, Math.min(2, window.devicePixelRatio || 1));
  const scene = exportScene(lastScene, dpr);
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(scene.width * dpr);
  canvas.height = Math.round(scene.height * dpr);
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  renderTimeline(ctx, scene);
  return new Promise((resolve) => canvas.toBlob((b) => resolve(b), 'image/png'));
}

// Keyboard zoom glides to its target instead of jumping, so the eye can follow where
// it went. One animation at a time: a second key press retargets from the previous
// target (steps add up); any other viewport change (wheel, drag, setViewport) wins
// and ends the animation. While it runs the frame is not "idle" (renderState stays
// "busy"), so automation never reads a viewport that is still moving.

import { useStore, type Span } from '../state/store';

/** How long a keyboard zoom step takes; the issue asks for ≤ 150 ms. */
export const ZOOM_ANIMATION_MS = 100;

interface Running {
  from: Span;
  to: Span;
  t0: number;
  ms: number;
  /** What this animation last wrote, to notice anyone else moving the view. */
  last: Span;
  raf: number;
  /** When the previous frame ran (ms), to see whether the next one would overshoot. */
  prevTick: number;
}

let running: Running | null = null;
const endListeners = new Set<() => void>();

/** Is a viewport animation in progress? (The timeline keeps renderState "busy" meanwhile.) */
export function isViewportAnimating(): boolean {
  return running !== null;
}

/** Called when an animation ends or is cancelled; returns the unsubscribe. */
export function onViewportAnimationEnd(fn: () => void): () => void {
  endListeners.add(fn);
  return () => endListeners.delete(fn);
}

/** Where the view is heading: the running animation's target, else the current viewport. */
export function viewportTarget(): Span {
  return running ? running.to : useStore.getState().viewport;
}

function finish(): void {
  if (!running) return;
  cancelAnimationFrame(running.raf);
  running = null;
  for (const fn of endListeners) fn();
}

/** Ease-out: fast start (the key press feels immediate), gentle landing. */
const ease = (t: number) => 1 - (1 - t) * (1 - t) * (1 - t);

/**
 * Glide the viewport to `to` over `ms`. The span moves geometrically (zoom feels even at
 * every scale) and the edges follow so a point fixed in both views stays fixed throughout.
 */
export function animateViewportTo(to: Span, ms = ZOOM_ANIMATION_MS): void {
  const st = useStore.getState();
  const from = st.viewport;
  if (running) cancelAnimationFrame(running.raf);
  if (ms <= 0 || typeof requestAnimationFrame !== 'function') {
    running = null;
    st.setViewport(to);
    for (const fn of endListeners) fn();
    return;
  }
  const t0 = performance.now();
  const r: Running = { from, to, t0, ms, last: from, raf: 0, prevTick: t0 };
  running = r;
  // Busy from the key press, not from the first frame that moves: automation reading "idle" in
  // between saw the view before the zoom. The draw after the end (onViewportAnimationEnd) sets idle.
  if (typeof document !== 'undefined') document.documentElement.dataset.renderState = 'busy';
  const tick = () => {
    if (running !== r) return;
    const cur = useStore.getState().viewport;
    if (cur.startNs !== r.last.startNs || cur.endNs !== r.last.endNs) return finish(); // someone else moved it
    const now = performance.now();
    // On a busy machine frames come slowly: land now rather than a whole slow frame late.
    const nextFrameLate = now + (now - r.prevTick) > r.t0 + r.ms;
    r.prevTick = now;
    const t = nextFrameLate ? 1 : Math.min(1, (now - r.t0) / r.ms);
    const next = t >= 1 ? r.to : interpolate(r.from, r.to, ease(t));
    r.last = next;
    useStore.getState().setViewport(next);
    if (t >= 1) return finish();
    r.raf = requestAnimationFrame(tick);
  };
  r.raf = requestAnimationFrame(tick);
}

/** The view a fraction `k` of the way from `a` to `b`: span geometric, the fixed point kept. */
export function interpolate(a: Span, b: Span, k: number): Span {
  const sa = a.endNs - a.startNs;
  const sb = b.endNs - b.startNs;
  const span = sa > 0 && sb > 0 ? sa * Math.pow(sb / sa, k) : sa + (sb - sa) * k;
  if (Math.abs(sa - sb) < 1e-9 * Math.max(sa, sb)) {
    const start = a.startNs + (b.startNs - a.startNs) * k;
    return { startNs: start, endNs: start + span };
  }
  // The point at the same screen fraction f in both views: a.start + f·sa = b.start + f·sb.
  const f = (b.startNs - a.startNs) / (sa - sb);
  const fixed = a.startNs + f * sa;
  if (f >= -0.5 && f <= 1.5) return { startNs: fixed - f * span, endNs: fixed - f * span + span };
  const start = a.startNs + (b.startNs - a.startNs) * k;
  return { startNs: start, endNs: start + span };
}

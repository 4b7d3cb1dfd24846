// Colour is a hint for "same name", not data: a stable hash into a small calm
// palette, so the same op looks the same across lanes, traces and reloads.

import { hashName } from '../model/keys';
import { shortenName } from './kernelNames';

export interface Swatch {
  fill: string;
  text: string;
}

// Hand-picked mid-saturation hues; dark variants are dimmer so white text reads.
const LIGHT: Swatch[] = [
  ['#8fb8de', '#102030'], ['#9fd3b4', '#10281a'], ['#f2c38b', '#2e1f08'], ['#c9b3e6', '#221535'],
  ['#f0a9a0', '#35130f'], ['#a8d8d8', '#0f2b2b'], ['#d9d08c', '#2a2608'], ['#b7c4e8', '#141d38'],
  ['#e6b3cf', '#33142a'], ['#b5d39a', '#1b2a0e'], ['#d6b89a', '#2e1d0e'], ['#9ec9ef', '#0e2236'],
].map(([fill, text]) => ({ fill, text }));

const DARK: Swatch[] = [
  ['#3d6690', '#e8f1fa'], ['#3c7a58', '#e8f6ee'], ['#8a6230', '#fbf0e2'], ['#6a5592', '#f1ebfa'],
  ['#93504a', '#fbecea'], ['#3a7575', '#e6f6f6'], ['#7a7234', '#f8f5e2'], ['#4d5c92', '#eceffa'],
  ['#8a4d6f', '#faeaf3'], ['#557a3a', '#eef6e6'], ['#7d5e42', '#f8efe6'], ['#356e9e', '#e6f2fc'],
].map(([fill, text]) => ({ fill, text }));

export const PALETTE_SIZE = LIGHT.length;

export function colorIndex(name: string, gpu = false): number {
  const key = gpu ? shortenName(name) : name;
  return parseInt(hashName(key), 16) % PALETTE_SIZE;
}

export function swatchFor(name: string, dark: boolean, gpu = false): Swatch {
  return (dark ? DARK : LIGHT)[colorIndex(name, gpu)];
}

/**
 * Per names table (a trace's), each name id's palette index on plain and on GPU lanes (−1: not yet hashed).
 * A frame draws thousands of items whose names run to kilobytes (templated kernels): each name is hashed once.
 */
const paletteOfNames = new WeakMap<readonly string[], [Int8Array, Int8Array]>();

/** swatchFor(names[nameId], …), the name hashed once per names table. */
export function swatchOfName(names: readonly string[], nameId: number, dark: boolean, gpu = false): Swatch {
  let cached = paletteOfNames.get(names);
  if (!cached) paletteOfNames.set(names, (cached = [new Int8Array(names.length).fill(-1), new Int8Array(names.length).fill(-1)]));
  const indices = cached[gpu ? 1 : 0];
  if (!(nameId < indices.length)) return swatchFor(names[nameId] ?? '', dark, gpu);
  if (indices[nameId] < 0) indices[nameId] = colorIndex(names[nameId] ?? '', gpu);
  return (dark ? DARK : LIGHT)[indices[nameId]];
}

export interface ThemeColors {
  dark: boolean;
  background: string;
  laneAlt: string;
  separator: string;
  groupBand: string;
  groupText: string;
  text: string;
  textMuted: string;
  axisBackground: string;
  axisText: string;
  grid: string;
  selection: string;
  hover: string;
  rangeFill: string;
  rangeEdge: string;
  rangeLabelBg: string;
  rangeLabelText: string;
  counterFill: string;
  counterLines: string[];
}

export const LIGHT_THEME: ThemeColors = {
  dark: false,
  background: '#ffffff',
  laneAlt: '#f7f8fa',
  separator: '#e3e6eb',
  groupBand: '#eef1f5',
  groupText: '#2b3340',
  text: '#1f2530',
  textMuted: '#6a7383',
  axisBackground: '#f7f8fa',
  axisText: '#4a5363',
  grid: 'rgba(60, 70, 90, 0.08)',
  selection: '#1a1f29',
  hover: 'rgba(26, 31, 41, 0.55)',
  rangeFill: 'rgba(70, 120, 220, 0.12)',
  rangeEdge: 'rgba(50, 100, 210, 0.8)',
  rangeLabelBg: '#2f63c7',
  rangeLabelText: '#ffffff',
  counterFill: 'rgba(70, 130, 200, 0.35)',
  counterLines: ['#3f7fc4', '#d08a2e', '#5aa36e', '#a066c4'],
};

export const DARK_THEME: ThemeColors = {
  dark: true,
  background: '#16191f',
  laneAlt: '#1b1f26',
  separator: '#2a303a',
  groupBand: '#222731',
  groupText: '#d5dbe5',
  text: '#e3e7ee',
  textMuted: '#97a0af',
  axisBackground: '#1b1f26',
  axisText: '#aab3c2',
  grid: 'rgba(200, 210, 230, 0.07)',
  selection: '#ffffff',
  hover: 'rgba(255, 255, 255, 0.6)',
  rangeFill: 'rgba(110, 160, 255, 0.14)',
  rangeEdge: 'rgba(130, 175, 255, 0.85)',
  rangeLabelBg: '#4d7fe0',
  rangeLabelText: '#ffffff',
  counterFill: 'rgba(90, 150, 220, 0.35)',
  counterLines: ['#6aa6e8', '#e0a458', '#76c08c', '#b98ad8'],
};

// Canvas colours follow the same prefers-color-scheme as the CSS.

import { useSyncExternalStore } from 'react';
import { DARK_THEME, LIGHT_THEME, type ThemeColors } from './colors';

const query = () => window.matchMedia?.('(prefers-color-scheme: dark)');

export function currentTheme(): ThemeColors {
  return query()?.matches ? DARK_THEME : LIGHT_THEME;
}

export function useTheme(): ThemeColors {
  return useSyncExternalStore(
    (cb) => {
      const q = query();
      q?.addEventListener('change', cb);
      return () => q?.removeEventListener('change', cb);
    },
    currentTheme,
  );
}

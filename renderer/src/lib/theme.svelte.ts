// The page's colours for charts, read from its CSS variables, and kept current: when the OS
// switches between light and dark while the window is open, `theme` changes and every chart
// (ChartView) rebuilds with the new colours.
export interface ThemeColours {
  dark: boolean;
  fg: string;
  muted: string;
  border: string;
  panel: string;
  error: string;
  warn: string;
}

function read(): ThemeColours {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string): string => css.getPropertyValue(name).trim() || fallback;
  return {
    dark: window.matchMedia('(prefers-color-scheme: dark)').matches,
    fg: v('--fg', '#1d1f21'),
    muted: v('--muted', '#6b6f76'),
    border: v('--border', '#d9dbe0'),
    panel: v('--panel', '#ffffff'),
    error: v('--error', '#b3261e'),
    warn: v('--warn', '#9a5b00'),
  };
}

export const theme = $state<{ colours: ThemeColours }>({ colours: read() });

/** Follows prefers-color-scheme; returns the function that stops following. */
export function followColourScheme(): () => void {
  const media = window.matchMedia('(prefers-color-scheme: dark)');
  const update = (): void => {
    theme.colours = read();
  };
  update();
  media.addEventListener('change', update);
  return () => media.removeEventListener('change', update);
}

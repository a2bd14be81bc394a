// AG Grid's look in Cascade: the Quartz theme (Theming API) on our design tokens. Each parameter
// reads the `--cx-*` custom property, with the token's value as fallback, so a host page that
// re-themes Cascade re-themes the grids too.
import { themeQuartz } from 'ag-grid-community';

export const cascadeGridTheme = themeQuartz.withParams({
  accentColor: 'var(--cx-accent, #1f4fd1)',
  foregroundColor: 'var(--cx-text, #18212f)',
  backgroundColor: 'var(--cx-surface, #ffffff)',
  headerBackgroundColor: 'var(--cx-surface-sunken, #eef1f5)',
  headerTextColor: 'var(--cx-text-muted, #556173)',
  borderColor: 'var(--cx-border, #d7dde5)',
  fontFamily: 'inherit',
  fontSize: 14,
  headerFontWeight: 620,
  wrapperBorderRadius: 8,
  browserColorScheme: 'light',
});

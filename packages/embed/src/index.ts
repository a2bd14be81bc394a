// The embed script: `<cascade-customer-charges>` and `<cascade-billing>` for third-party pages.
// One file to load (an ES module, or a classic script); each element wraps whatever the widgets
// map registers under its name. README.md (Embedding) is the host's guide.
import '@cascade/ui/theme.css';
import './element.css';
import { widgets } from '@cascade/widgets';
import { defineWidgetElement } from './element';

export type { EmbedErrorCode, EmbedErrorDetail } from './element';
export type { FetchToken, TokenAnswer } from './token-manager';

/**
 * Every CSS file of the build (the widgets' scoped styles, the theme, element.css), as text: the
 * build (vite.config.ts) puts it here instead of emitting a .css file, so the one script carries
 * its styles into each shadow root and the page's <head> gets none.
 */
const BUNDLED_CSS = '__CASCADE_EMBED_CSS__';

let sheets: CSSStyleSheet[] | null = null;
function styles(): CSSStyleSheet[] {
  if (!sheets) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(BUNDLED_CSS.startsWith('__CASCADE') ? '' : BUNDLED_CSS);
    sheets = [sheet];
  }
  return sheets;
}

export const ELEMENTS = {
  'cascade-customer-charges': 'customer-charges',
  'cascade-billing': 'billing',
} as const;

for (const [tag, widget] of Object.entries(ELEMENTS)) {
  if (customElements.get(tag)) continue; // the script was loaded twice
  customElements.define(tag, defineWidgetElement({ widget, component: () => widgets[widget], styles }));
}

// A storefront module as a custom element: a thin HTMLElement that mounts a Vue app of its own
// (its own Pinia) into its shadow root, with the module's styles and AG Grid's theme inside that
// root, a token manager fed by the host's `fetchToken`, and DOM events for the host.
import { hostFetchKey, hostLinkBaseKey } from '@cascade/widgets';
import { createPinia } from 'pinia';
import { type App, type Component, createApp, h, shallowRef } from 'vue';
import { decodeClaims, type FetchToken, TokenError, TokenManager } from './token-manager';

/** The codes of `cascade:error`'s detail. */
export type EmbedErrorCode =
  | 'token_failed'
  | 'origin_not_allowed'
  | 'unauthorized'
  | 'forbidden'
  | 'network_error'
  | 'load_failed';

export interface EmbedErrorDetail {
  widget: string;
  code: EmbedErrorCode;
  message: string;
  status?: number;
}

export interface WidgetElementSpec {
  /** The module name (`customer-charges`, `billing`), as in the token's `widgets`. */
  widget: string;
  /** The module's Vue component (loaded lazily by the widgets map). */
  component: () => Component | undefined;
  /** The styles of the shadow root (the widgets' CSS, the theme mapping). */
  styles: () => CSSStyleSheet[];
}

export interface CascadeWidgetElement extends HTMLElement {
  fetchToken: FetchToken | null;
  /** For tests and diagnostics: how many times `fetchToken` was called. */
  readonly tokenFetches: number;
}

/** A lazy module (`defineAsyncComponent`) starts loading now; anything else is left alone. */
function preload(component: Component | undefined): void {
  const loader = (component as { __asyncLoader?: () => Promise<unknown> } | undefined)?.__asyncLoader;
  loader?.().catch(() => {}); // a failure surfaces again, and is reported, when it renders
}

/** Same-origin paths and absolute URLs both work; trailing slashes are dropped. */
function baseUrlOf(el: HTMLElement): string {
  return (el.getAttribute('api-base-url') ?? '/api').replace(/\/+$/, '') || '/api';
}

export function defineWidgetElement(spec: WidgetElementSpec): CustomElementConstructor {
  return class extends HTMLElement implements CascadeWidgetElement {
    static observedAttributes = ['api-base-url', 'locale'];

    #fetchToken: FetchToken | null = null;
    #manager: TokenManager | null = null;
    #app: App | null = null;
    #shadow: ShadowRoot;
    #root: HTMLDivElement;
    #gridStyles: HTMLDivElement;
    #starting = 0;

    constructor() {
      super();
      this.#shadow = this.attachShadow({ mode: 'open' });
      this.#shadow.adoptedStyleSheets = spec.styles();
      // AG Grid writes its theme CSS here (inside the shadow root, not the page's <head>).
      this.#gridStyles = document.createElement('div');
      this.#gridStyles.dataset.cascadeGridStyles = '';
      this.#root = document.createElement('div');
      this.#root.className = 'cascade-root';
      this.#root.dataset.widget = spec.widget;
      this.#shadow.append(this.#gridStyles, this.#root);
    }

    get fetchToken(): FetchToken | null {
      return this.#fetchToken;
    }
    set fetchToken(fn: FetchToken | null) {
      this.#fetchToken = typeof fn === 'function' ? fn : null;
      this.#restart();
    }

    get tokenFetches(): number {
      return this.#manager?.fetchCount ?? 0;
    }

    connectedCallback() {
      // A property set before the element was upgraded shadows the setter: take it over.
      const own = Object.getOwnPropertyDescriptor(this, 'fetchToken');
      if (own) {
        delete (this as { fetchToken?: unknown }).fetchToken;
        this.fetchToken = own.value as FetchToken | null;
        return;
      }
      this.#restart();
    }

    disconnectedCallback() {
      this.#stop();
    }

    attributeChangedCallback(_name: string, old: string | null, value: string | null) {
      if (old !== value && this.#app) this.#restart();
    }

    #stop() {
      this.#starting += 1;
      this.#app?.unmount();
      this.#app = null;
      this.#manager?.dispose();
      this.#manager = null;
    }

    #restart() {
      this.#stop();
      if (!this.isConnected) return;
      if (!this.#fetchToken) {
        this.#status('Waiting for the page to give this widget a token…');
        return;
      }
      void this.#start(this.#starting, this.#fetchToken);
    }

    async #start(run: number, fetchToken: FetchToken) {
      this.#status('Loading…');
      const token = shallowRef('');
      const manager = new TokenManager({
        fetchToken,
        onToken: (t) => {
          token.value = t;
        },
        onError: (e) => this.#error('token_failed', e.message),
      });
      this.#manager = manager;
      // Start loading the module's code while the host fetches the token, not after.
      preload(spec.component());
      try {
        token.value = await manager.getToken();
      } catch (error) {
        if (run === this.#starting) {
          this.#status(error instanceof Error ? error.message : 'Could not get a token', true);
        }
        return;
      }
      if (run !== this.#starting) return;

      // The API refuses a token used from another page anyway; say so plainly instead of
      // letting the browser's CORS refusal look like a network failure.
      const origins = decodeClaims(token.value)?.origins;
      if (origins && !origins.includes(location.origin)) {
        const message = `This page (${location.origin}) is not an allowed origin of this widget's token`;
        this.#error('origin_not_allowed', message);
        this.#status(message, true);
        manager.dispose();
        return;
      }
      const component = spec.component();
      if (!component) {
        const message = `The ${spec.widget} module is not available in this build`;
        this.#error('load_failed', message);
        this.#status(message, true);
        return;
      }

      const widgetFetch: typeof globalThis.fetch = async (input, init) => {
        let response: Response;
        try {
          response = await manager.fetch(input, init);
        } catch (error) {
          const aborted = error instanceof Error && error.name === 'AbortError';
          if (aborted || error instanceof TokenError) throw error;
          // The API gives no CORS consent to an origin once no active key allows it (a revoked
          // key), which the browser reports as a network failure. Asking for a new token tells
          // the host why (through onError); if one comes, the request is tried once more.
          try {
            await manager.refresh();
          } catch {
            throw error;
          }
          try {
            response = await manager.fetch(input, init);
          } catch (again) {
            if (!(again instanceof Error && again.name === 'AbortError')) {
              this.#error('network_error', 'The Cascade API could not be reached (network or CORS refusal)');
            }
            throw again;
          }
        }
        if (response.status === 401 || response.status === 403) {
          const body = (await response
            .clone()
            .json()
            .catch(() => null)) as { error?: { message?: string } } | null;
          this.#error(
            response.status === 401 ? 'unauthorized' : 'forbidden',
            body?.error?.message ?? `The Cascade API answered ${response.status}`,
            response.status,
          );
        }
        return response;
      };

      this.#root.replaceChildren();
      const mountPoint = document.createElement('div');
      this.#root.append(mountPoint);
      const pinia = createPinia();
      const app = createApp({
        render: () =>
          h(component, {
            token: token.value,
            apiBaseUrl: baseUrlOf(this),
            locale: this.getAttribute('locale') ?? undefined,
            pinia,
            styleContainer: this.#gridStyles,
            onInvoiceOpen: (detail: unknown) => this.#emit('cascade:invoice-open', detail),
            onExportComplete: (detail: unknown) => this.#emit('cascade:export-complete', detail),
          }),
      });
      app.use(pinia);
      app.provide(hostFetchKey, widgetFetch);
      // Links the API gives (an invoice's page) belong to Cascade's site, not to the host page's.
      app.provide(hostLinkBaseKey, `${new URL(baseUrlOf(this), location.href).origin}/`);
      app.config.errorHandler = (err) => {
        this.#error('load_failed', err instanceof Error ? err.message : String(err));
      };
      app.mount(mountPoint);
      this.#app = app;
      this.#emit('cascade:ready', { widget: spec.widget });
    }

    #status(message: string, isError = false) {
      const box = document.createElement('div');
      box.className = isError ? 'cascade-status cascade-status--error' : 'cascade-status';
      box.setAttribute('role', isError ? 'alert' : 'status');
      box.dataset.testid = isError ? 'cascade-error' : 'cascade-status';
      box.textContent = message;
      this.#root.replaceChildren(box);
    }

    #error(code: EmbedErrorCode, message: string, status?: number) {
      const detail: EmbedErrorDetail = { widget: spec.widget, code, message, ...(status ? { status } : {}) };
      this.#emit('cascade:error', detail);
    }

    #emit(type: string, detail: unknown) {
      this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
    }
  };
}

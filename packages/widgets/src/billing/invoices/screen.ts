// What the Invoices and Credit Notes sub-modules set up alike: their own invoices store (in the
// app's Pinia, or a private one when embedded), disposed with the view; and the list grid reloaded
// whenever the user comes back to the list, so it shows what changed meanwhile.
import type { SessionUser } from '@cascade/ui';
import { createPinia, piniaSymbol } from 'pinia';
import { inject, onBeforeUnmount, type Ref, watch } from 'vue';
import { defineInvoicesStore, uniqueInvoicesStoreId } from './store';

/** `grid` is the view's template ref to its InvoiceGrid. */
export function useInvoicesScreen(
  storePrefix: string,
  user: SessionUser,
  grid: Ref<{ reload(): void } | null>,
) {
  const pinia = inject(piniaSymbol, null) ?? createPinia();
  const storeId = uniqueInvoicesStoreId(storePrefix);
  const store = defineInvoicesStore(storeId, user)(pinia);

  // Back on the list after a change: show it as it is now.
  watch(
    () => [store.screen.kind, store.version] as const,
    ([kind], [oldKind]) => {
      if (kind === 'list' && oldKind !== 'list') grid.value?.reload();
    },
  );

  onBeforeUnmount(() => {
    store.$dispose();
    delete (pinia.state.value as Record<string, unknown>)[storeId];
  });

  return store;
}

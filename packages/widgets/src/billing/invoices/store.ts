// The state of an invoices list (Invoices, and Credit Notes which is the same list of CREDIT
// invoices): its filters, and what is open: the list, one invoice, or the new-invoice form.
import type { SessionUser } from '@cascade/ui';
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { InvoiceFilters } from './api';

let instances = 0;

export function uniqueInvoicesStoreId(prefix: string): string {
  instances += 1;
  return `${prefix}:${instances}`;
}

/** Sellers start on what they issued (a distributor receives nothing); clients on what they received. */
export function defaultFilters(user: SessionUser): InvoiceFilters {
  return { direction: user.orgKind === 'DISTRIBUTOR' ? 'issued' : 'received' };
}

export type InvoicesScreen = { kind: 'list' } | { kind: 'detail'; id: string } | { kind: 'new' };

export function defineInvoicesStore(id: string, user: SessionUser) {
  return defineStore(id, () => {
    const filters = ref<InvoiceFilters>(defaultFilters(user));
    const screen = ref<InvoicesScreen>({ kind: 'list' });
    /** Bumped when something changed an invoice: the list reloads when shown again. */
    const version = ref(0);

    function setFilters(next: InvoiceFilters) {
      // Customers only receive: never let a stale value ask for "issued".
      filters.value = user.orgKind === 'CUSTOMER' ? { ...next, direction: 'received' } : next;
    }
    function open(invoiceId: string) {
      screen.value = { kind: 'detail', id: invoiceId };
    }
    function showList() {
      screen.value = { kind: 'list' };
    }
    function startNew() {
      screen.value = { kind: 'new' };
    }
    function changed() {
      version.value += 1;
    }
    return { filters, screen, version, setFilters, open, showList, startNew, changed };
  });
}

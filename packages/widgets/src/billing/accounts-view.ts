// What the account-side Billing views (Payment Methods, Billing Profiles, Subscriptions) set up
// alike: the accounts API, whether the user may write, the client accounts (and, where the form
// asks for an address, the regions) loaded once on mount, the error if that failed, the list grid's
// ref, and where AG Grid's theme CSS goes when the widget is embedded in a shadow root.
import { billingAccountsApi, type ClientAccount, errorMessage, type Region } from '@cascade/ui';
import { computed, onMounted, ref } from 'vue';
import type { BillingSubModuleProps } from './sub-modules';
import { canWriteBilling } from './subscriptions/access';

export function useAccountsView(props: BillingSubModuleProps, options: { regions?: boolean } = {}) {
  const styleContainer = computed(() => (props as { styleContainer?: HTMLElement }).styleContainer);
  const api = billingAccountsApi(props.client);
  const canWrite = computed(() => canWriteBilling(props.user));
  const regions = ref<Region[]>([]);
  const accounts = ref<ClientAccount[]>([]);
  const setupError = ref<string | null>(null);
  const grid = ref<{ reload(): void } | null>(null);

  onMounted(async () => {
    try {
      if (options.regions)
        [regions.value, accounts.value] = await Promise.all([api.regions(), api.accounts()]);
      else accounts.value = await api.accounts();
    } catch (e) {
      setupError.value = errorMessage(e);
    }
  });

  return { styleContainer, api, canWrite, regions, accounts, setupError, grid };
}

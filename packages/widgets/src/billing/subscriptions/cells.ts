// Cells of the account-side lists, as plain DOM (AG Grid renders them without Vue): a name with
// its "Default" badge and a row's action buttons, each offered only when the row allows it.
import type { GridBlockRequest } from '@cascade/ui';

export interface RowAction<T> {
  label: string;
  testid: string;
  /** Offered for this row? (Not offered at all to a user who may not act.) */
  show: (row: T) => boolean;
  run: (row: T) => void;
  danger?: boolean;
}

/**
 * A row's action buttons. With `isDefault`, the account's default row shows its "Default" badge
 * first (where the others offer "Set default"), so the list needs no Default column.
 */
export function actionsCell<T>(actions: RowAction<T>[], isDefault?: (row: T) => boolean) {
  return (params: { data?: T }): HTMLElement | string => {
    const row = params.data;
    if (!row) return '';
    const box = document.createElement('div');
    box.className = 'cx-lg-actions';
    if (isDefault?.(row)) box.append(badge());
    for (const action of actions) {
      if (!action.show(row)) continue;
      const button = document.createElement('button');
      button.type = 'button';
      button.className = `cx-button cx-button--small${action.danger ? ' cx-button--ghost cx-lg-danger' : ''}`;
      button.textContent = action.label;
      button.dataset.testid = action.testid;
      button.addEventListener('click', (event) => {
        event.stopPropagation();
        action.run(row);
      });
      box.append(button);
    }
    return box;
  };
}

/**
 * A row's name with a "Default" badge after it when the row is its account's default (for those
 * who see no actions column, where the badge goes otherwise): no Default column takes the room.
 */
export function nameWithDefault(params: {
  value?: unknown;
  valueFormatted?: string | null;
  data?: { isDefault: boolean };
}): HTMLElement | string {
  if (!params.data) return '';
  const text = params.valueFormatted ?? (params.value == null ? '' : String(params.value));
  const box = document.createElement('span');
  box.className = 'cx-lg-name';
  const name = document.createElement('span');
  name.className = 'cx-lg-name__text';
  name.textContent = text;
  name.title = text;
  box.append(name);
  if (params.data.isDefault) box.append(badge());
  return box;
}

function badge(): HTMLElement {
  const el = document.createElement('span');
  el.className = 'cx-lg-default';
  el.textContent = 'Default';
  return el;
}

/** An account list's page parameters for a grid block: its rows, and its first sort if the list can sort by that column. */
export function listBlockParams(
  block: GridBlockRequest,
  sortable: readonly string[],
): { startRow: number; endRow: number; sort?: string; order?: 'asc' | 'desc' } {
  const page = { startRow: block.startRow, endRow: block.endRow };
  const first = block.sortModel[0];
  if (!first || !sortable.includes(first.colId)) return page;
  return { ...page, sort: first.colId, order: first.sort };
}

// The Debit/Credit choice filter of the Type column: a small AG Grid filter component (AG Grid
// Community has no Set Filter) with a floating filter above the column. Its model is AG Grid's set
// filter JSON, `{filterType: "set", values: ["DEBIT"]}`, which the API reads; both chosen (or
// none) is no filter. Plain DOM, no Vue: AG Grid mounts it inside the grid, so it works in a
// shadow root as anywhere else. The rows are filtered by the server, so doesFilterPass is true.

import type {
  IDoesFilterPassParams,
  IFilterComp,
  IFilterParams,
  IFloatingFilterComp,
  IFloatingFilterParams,
} from 'ag-grid-community';
import { CHARGE_TYPE_LABELS, CHARGE_TYPES, type ChargeType } from './columns';

export interface TypeFilterModel {
  filterType: 'set';
  values: ChargeType[];
}

/** The model for a choice: null when it does not narrow anything. */
export function typeFilterModel(values: readonly string[]): TypeFilterModel | null {
  const chosen = CHARGE_TYPES.filter((t) => values.some((v) => v.toUpperCase() === t));
  if (chosen.length === 0 || chosen.length === CHARGE_TYPES.length) return null;
  return { filterType: 'set', values: chosen };
}

/** What a model chooses (everything when there is no model). */
export function chosenTypes(model: unknown): ChargeType[] {
  if (typeof model !== 'object' || model === null || !Array.isArray((model as TypeFilterModel).values))
    return [...CHARGE_TYPES];
  const values = (model as TypeFilterModel).values.map((v) => String(v).toUpperCase());
  const chosen = CHARGE_TYPES.filter((t) => values.includes(t));
  return chosen.length === 0 ? [...CHARGE_TYPES] : chosen;
}

export class TypeFilter implements IFilterComp {
  private params!: IFilterParams;
  private gui!: HTMLElement;
  private boxes = new Map<ChargeType, HTMLInputElement>();
  private model: TypeFilterModel | null = null;

  init(params: IFilterParams): void {
    this.params = params;
    this.gui = document.createElement('fieldset');
    this.gui.className = 'cc-type-filter';
    const legend = document.createElement('legend');
    legend.textContent = 'Show invoices of type';
    this.gui.append(legend);
    for (const type of CHARGE_TYPES) {
      const label = document.createElement('label');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.checked = true;
      box.value = type;
      box.dataset.testid = `type-filter-${type.toLowerCase()}`;
      box.addEventListener('change', () => this.fromBoxes(box));
      label.append(box, ` ${CHARGE_TYPE_LABELS[type]}`);
      this.gui.append(label);
      this.boxes.set(type, box);
    }
  }

  getGui(): HTMLElement {
    return this.gui;
  }

  private fromBoxes(changed: HTMLInputElement): void {
    const chosen = CHARGE_TYPES.filter((t) => this.boxes.get(t)?.checked);
    // Unchecking the last one would show nothing at all: keep it checked instead.
    if (chosen.length === 0) {
      changed.checked = true;
      return;
    }
    this.setChosen(chosen);
  }

  /** Sets the choice and tells the grid (from the checkboxes or the floating filter). */
  setChosen(values: readonly string[]): void {
    this.setModel(typeFilterModel(values));
    this.params.filterChangedCallback();
  }

  private show(): void {
    const chosen = chosenTypes(this.model);
    for (const [type, box] of this.boxes) box.checked = chosen.includes(type);
  }

  isFilterActive(): boolean {
    return this.model !== null;
  }

  doesFilterPass(_params: IDoesFilterPassParams): boolean {
    return true;
  }

  getModel(): TypeFilterModel | null {
    return this.model ? { filterType: 'set', values: [...this.model.values] } : null;
  }

  setModel(model: unknown): void {
    this.model = model ? typeFilterModel(chosenTypes(model)) : null;
    this.show();
  }

  getModelAsString(model: unknown): string {
    const m = typeFilterModel(chosenTypes(model));
    return m ? m.values.map((v) => CHARGE_TYPE_LABELS[v]).join(', ') : '';
  }

  afterGuiAttached(): void {
    this.boxes.get('DEBIT')?.focus();
  }
}

/** Above the column: All / Debit / Credit. */
export class TypeFloatingFilter implements IFloatingFilterComp<TypeFilter> {
  private gui!: HTMLSelectElement;

  init(params: IFloatingFilterParams<TypeFilter>): void {
    this.gui = document.createElement('select');
    this.gui.className = 'cc-type-floating';
    this.gui.setAttribute('aria-label', 'Type filter');
    this.gui.dataset.testid = 'type-floating-filter';
    const options: [string, string][] = [
      ['', 'All'],
      ...CHARGE_TYPES.map((t): [string, string] => [t, CHARGE_TYPE_LABELS[t]]),
    ];
    for (const [value, label] of options) {
      const option = document.createElement('option');
      option.value = value;
      option.textContent = label;
      this.gui.append(option);
    }
    this.gui.addEventListener('change', () => {
      const value = this.gui.value;
      params.parentFilterInstance((filter) => filter.setChosen(value ? [value] : [...CHARGE_TYPES]));
    });
  }

  onParentModelChanged(model: unknown): void {
    const chosen = typeFilterModel(chosenTypes(model));
    this.gui.value = chosen && chosen.values.length === 1 ? (chosen.values[0] ?? '') : '';
  }

  getGui(): HTMLElement {
    return this.gui;
  }
}

// The invoice grid's columns: who is on the other side (From for what was received, To for what
// was issued), and the amounts with or without tax per the distributor's Amount Includes Tax
// option (SPEC §8): one "Amount (incl. tax)" column, or "Amount" and "Tax" side by side. Every
// column flexes (names twice as much), so the grid fills its width and scrolls only when narrow.
import type { ColDef } from 'ag-grid-community';
import { day, label, money, stateOf } from '../format';
import type { InvoiceFilters, InvoiceRow } from './api';

export interface ColumnOptions {
  direction: InvoiceFilters['direction'];
  fixedType?: 'DEBIT' | 'CREDIT';
  amountIncludesTax: boolean;
  locale?: string;
}

type MoneyField = 'total' | 'subtotal' | 'taxTotal' | 'amountDue';

/** What the Number cell shows: the number, or "Draft" before it has one. */
export function numberText(row: Pick<InvoiceRow, 'number'>): string {
  return row.number ?? 'Draft';
}

export function invoiceColumns(options: ColumnOptions): ColDef<InvoiceRow>[] {
  const loc = options.locale;
  const moneyCol = (field: MoneyField, headerName: string): ColDef<InvoiceRow> => ({
    colId: field,
    field,
    headerName,
    type: 'rightAligned',
    // The API sorts by total and amount due; Amount and Tax follow the total's order anyway.
    sortable: field === 'total' || field === 'amountDue',
    flex: 1,
    minWidth: 96,
    valueFormatter: (p) => (p.data ? money(p.data[field], p.data.currency, loc) : ''),
  });
  const cols: ColDef<InvoiceRow>[] = [
    {
      colId: 'number',
      field: 'number',
      headerName: 'Number',
      sortable: true,
      flex: 1,
      minWidth: 134,
      valueFormatter: (p) => (p.data ? numberText(p.data) : ''),
      cellClass: 'cx-inv-number',
    },
    {
      colId: 'invoiceDate',
      field: 'invoiceDate',
      headerName: 'Date',
      sortable: true,
      flex: 1,
      minWidth: 128,
      valueFormatter: (p) => day(p.value, loc),
    },
  ];
  if (options.direction !== 'issued')
    cols.push({
      colId: 'issuerOrgId',
      field: 'issuerOrgId',
      headerName: 'From',
      sortable: true,
      flex: 2,
      minWidth: 130,
      valueFormatter: (p) => (p.data ? (p.data.issuerName ?? p.data.issuerOrgId) : ''),
    });
  if (options.direction !== 'received')
    cols.push({
      colId: 'clientOrgId',
      field: 'clientOrgId',
      headerName: 'To',
      sortable: true,
      flex: 2,
      minWidth: 130,
      valueFormatter: (p) => (p.data ? (p.data.clientName ?? p.data.clientOrgId) : ''),
    });
  if (!options.fixedType)
    cols.push({
      colId: 'type',
      field: 'type',
      headerName: 'Type',
      sortable: true,
      flex: 1,
      minWidth: 112,
      valueFormatter: (p) => (p.value ? label(p.value) : ''),
    });
  if (options.fixedType === 'CREDIT')
    cols.push({
      colId: 'creditedInvoiceId',
      field: 'creditedInvoiceId',
      headerName: 'Credits invoice',
      flex: 1,
      minWidth: 160,
      valueFormatter: (p) => (p.data ? (p.data.creditedInvoiceNumber ?? p.data.creditedInvoiceId ?? '') : ''),
    });
  cols.push({
    colId: 'status',
    field: 'status',
    headerName: 'Status',
    sortable: true,
    flex: 1,
    minWidth: 118,
    cellRenderer: (p: { data?: InvoiceRow }) => {
      if (!p.data) return '';
      const s = stateOf(p.data);
      const span = document.createElement('span');
      span.className = `cx-inv-state cx-inv-state--${s.tone}`;
      span.textContent = s.text;
      return span;
    },
  });
  if (options.amountIncludesTax) cols.push({ ...moneyCol('total', 'Amount (incl. tax)'), minWidth: 150 });
  else cols.push(moneyCol('subtotal', 'Amount'), moneyCol('taxTotal', 'Tax'));
  if (options.fixedType !== 'CREDIT') cols.push(moneyCol('amountDue', 'Due'));
  return cols;
}

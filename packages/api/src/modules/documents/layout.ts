/**
 * The printed documents: pure functions from plain data to PDF bytes (pdfkit, A4, the standard
 * Helvetica fonts so nothing is read from disk). No database and no HTTP here: `load.ts` gathers the
 * data, `index.ts` serves the bytes. Figures arrive as decimal strings and are printed through
 * `format.ts` (the currency's minor units).
 */

/**
 * The printed documents: pure functions from plain data to PDF bytes (pdfkit, A4, the standard
 * Helvetica fonts so nothing is read from disk). No database and no HTTP here: `load.ts` gathers the
 * data, `index.ts` serves the bytes. Figures arrive as decimal strings and are printed through
 * `format.ts` (the currency's minor units).
 */
import PDFDocument, * as pdfkitModule from 'pdfkit';
import Helvetica from 'pdfkit/standard-fonts/Helvetica';
import HelveticaBold from 'pdfkit/standard-fonts/HelveticaBold';
import {
  amountText,
  dateText,
  moneyText,
  percentText,
  periodText,
  quantityText,
  unitPriceText,
} from './format';

// pdfkit's browser build (the edge bundle) needs its standard fonts registered; the Node build
// loads them itself and has no such export.
(pdfkitModule as unknown as { registerStdFonts?: (...fonts: object[]) => void }).registerStdFonts?.(
  Helvetica,
  HelveticaBold,
);

/** A name and its postal address, one line each. */
export interface Party {
  name: string;
  lines: string[];
}

export interface InvoiceDocument {
  issuer: Party;
  client: Party;
  /** Null for a draft (proforma or pending): the PDF is marked DRAFT. */
  number: string | null;
  stage: 'PROFORMA' | 'PENDING' | 'ISSUED';
  type: 'DEBIT' | 'CREDIT';
  status: string;
  invoiceDate: string;
  dueDate: string | null;
  periodStart: string | null;
  periodEnd: string | null;
  accountName: string;
  currency: string;
  /** The number of the debit invoice a credit invoice corrects. */
  creditedInvoiceNumber: string | null;
  items: {
    lineNo: number;
    description: string;
    periodStart: string;
    periodEnd: string;
    quantity: string;
    unit: string;
    unitPrice: string;
    discount: string;
    amount: string;
  }[];
  taxes: { code: string; type: string; percent: string; base: string; amount: string }[];
  subtotal: string;
  taxTotal: string;
  total: string;
  amountPaid: string;
  amountDue: string;
}

export interface StatementLine {
  date: string;
  number: string;
  description: string;
  /** Raises what the client owes (an invoice), or null. */
  debit: string | null;
  /** Lowers it (a payment, a credit invoice), or null. */
  credit: string | null;
  /** What the client owes after this document (negative: in the client's favour). */
  balance: string;
}

export interface StatementDocument {
  issuer: Party;
  client: Party;
  accountId: string;
  accountName: string;
  currency: string;
  from: string;
  to: string;
  /** The day the statement was produced. */
  issuedOn: string;
  opening: { balance: string; due: string; owed: string };
  closing: { balance: string; due: string; owed: string };
  totalDebit: string;
  totalCredit: string;
  lines: StatementLine[];
}

// ---- page geometry -------------------------------------------------------------------------------

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 50;
const BOTTOM = 70; // room for the footer
const CONTENT = A4.width - 2 * MARGIN;
const INK = '#1f2933';
const MUTED = '#616e7c';
const RULE = '#cbd2d9';
const BAND = '#f0f4f8';
const ACCENT = '#1d4e89';
const FONT = 'Helvetica';
const BOLD = 'Helvetica-Bold';

type Align = 'left' | 'right' | 'center';
interface Column {
  header: string;
  width: number;
  align: Align;
}

type Doc = PDFKit.PDFDocument;

/** One document being laid out: the pdfkit document and the cursor. */
class Sheet {
  readonly doc: Doc;
  y = MARGIN;
  /** Drawn at the top of every page after the first. */
  continuation: (() => void) | undefined;

  constructor(info: { title: string; author: string; subject: string; created: Date }) {
    this.doc = new PDFDocument({
      size: 'A4',
      margins: { top: MARGIN, left: MARGIN, right: MARGIN, bottom: BOTTOM },
      bufferPages: true,
      info: {
        Title: info.title,
        Author: info.author,
        Subject: info.subject,
        Creator: 'Cascade',
        Producer: 'Cascade',
        CreationDate: info.created,
      },
    });
    this.doc.font(FONT).fillColor(INK);
  }

  get bottom(): number {
    return A4.height - BOTTOM;
  }

  newPage(): void {
    this.doc.addPage();
    this.y = MARGIN;
    this.continuation?.();
  }

  /** Starts a new page unless `height` points fit below the cursor. */
  ensure(height: number): boolean {
    if (this.y + height <= this.bottom) return false;
    this.newPage();
    return true;
  }

  text(
    text: string,
    x: number,
    y: number,
    opts: { width: number; align?: Align; size?: number; bold?: boolean; color?: string },
  ): number {
    const { doc } = this;
    doc
      .font(opts.bold ? BOLD : FONT)
      .fontSize(opts.size ?? 9)
      .fillColor(opts.color ?? INK);
    const options = { width: opts.width, align: opts.align ?? 'left', lineGap: 1 } as const;
    const height = doc.heightOfString(text || ' ', options);
    doc.text(text, x, y, options);
    return height;
  }

  height(text: string, width: number, size = 9, bold = false): number {
    this.doc.font(bold ? BOLD : FONT).fontSize(size);
    return this.doc.heightOfString(text || ' ', { width, lineGap: 1 });
  }

  rule(y: number, color = RULE, x = MARGIN, width = CONTENT): void {
    this.doc
      .moveTo(x, y)
      .lineTo(x + width, y)
      .lineWidth(0.6)
      .strokeColor(color)
      .stroke();
  }

  /** A table; its header row repeats on each page it spans. */
  table(
    columns: readonly Column[],
    rows: readonly (readonly string[])[],
    opts: { size?: number; boldLast?: boolean } = {},
  ): void {
    const size = opts.size ?? 8;
    const pad = 4;
    const header = () => {
      const h =
        Math.max(...columns.map((c) => this.height(c.header, c.width - 2 * pad, size, true))) + 2 * pad;
      this.doc.rect(MARGIN, this.y, CONTENT, h).fill(BAND);
      let x = MARGIN;
      for (const c of columns) {
        this.text(c.header, x + pad, this.y + pad, {
          width: c.width - 2 * pad,
          align: c.align,
          size,
          bold: true,
          color: MUTED,
        });
        x += c.width;
      }
      this.y += h;
    };
    this.ensure(40);
    header();
    rows.forEach((row, index) => {
      const bold = opts.boldLast === true && index === rows.length - 1;
      const h =
        Math.max(...columns.map((c, i) => this.height(row[i] ?? '', c.width - 2 * pad, size, bold))) +
        2 * pad;
      if (this.ensure(h)) header();
      let x = MARGIN;
      columns.forEach((c, i) => {
        this.text(row[i] ?? '', x + pad, this.y + pad, {
          width: c.width - 2 * pad,
          align: c.align,
          size,
          bold,
        });
        x += c.width;
      });
      this.y += h;
      this.rule(this.y);
    });
  }

  /** Label/value pairs, right-aligned in a block of `width` at `x`. */
  pairs(pairs: readonly [string, string, boolean?][], x: number, width: number, size = 9): void {
    const labelWidth = width * 0.5;
    for (const [label, value, strong] of pairs) {
      const h = Math.max(
        this.height(label, labelWidth, size, strong),
        this.height(value, width - labelWidth, size, strong),
      );
      this.text(label, x, this.y, { width: labelWidth, size, color: strong ? INK : MUTED, bold: strong });
      this.text(value, x + labelWidth, this.y, {
        width: width - labelWidth,
        align: 'right',
        size,
        bold: strong,
      });
      this.y += h + 3;
    }
  }

  /** Footer and, for drafts, a watermark on every page; then the bytes. */
  async finish(footer: string, watermark: string | null): Promise<Uint8Array> {
    const { doc } = this;
    const range = doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      // Drawing below the bottom margin would start a new page: lift it while writing the footer.
      const margin = doc.page.margins.bottom;
      doc.page.margins.bottom = 0;
      if (watermark) {
        doc.save();
        doc.rotate(-35, { origin: [A4.width / 2, A4.height / 2] });
        doc.font(BOLD).fontSize(110).fillColor('#e4e7eb').opacity(0.55);
        doc.text(watermark, 0, A4.height / 2 - 60, { width: A4.width, align: 'center', lineBreak: false });
        doc.restore();
        doc.opacity(1);
      }
      this.rule(A4.height - 52);
      doc.font(FONT).fontSize(7.5).fillColor(MUTED);
      doc.text(footer, MARGIN, A4.height - 45, { width: CONTENT * 0.75, lineBreak: false });
      doc.text(`Page ${i - range.start + 1} of ${range.count}`, MARGIN + CONTENT * 0.75, A4.height - 45, {
        width: CONTENT * 0.25,
        align: 'right',
        lineBreak: false,
      });
      doc.page.margins.bottom = margin;
    }
    doc.flushPages();
    return collect(doc);
  }
}

function collect(doc: Doc): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    doc.on('data', (chunk: Uint8Array) => chunks.push(chunk));
    doc.on('error', reject);
    doc.on('end', () => {
      const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
      let offset = 0;
      for (const c of chunks) {
        bytes.set(c, offset);
        offset += c.byteLength;
      }
      resolve(bytes);
    });
    doc.end();
  });
}

/** Issuer at the left, the title and the document's facts at the right; returns the lowest y. */
function letterhead(sheet: Sheet, issuer: Party, title: string, facts: readonly [string, string][]): void {
  const top = sheet.y;
  const leftWidth = CONTENT * 0.52;
  let y = top;
  y += sheet.text(issuer.name, MARGIN, y, { width: leftWidth, size: 16, bold: true, color: ACCENT }) + 4;
  for (const line of issuer.lines)
    y += sheet.text(line, MARGIN, y, { width: leftWidth, size: 9, color: MUTED });
  const rightX = MARGIN + CONTENT * 0.55;
  const rightWidth = CONTENT * 0.45;
  sheet.y = top;
  // The title on one line: 18 pt, smaller when it would wrap.
  sheet.doc.font(BOLD).fontSize(18);
  const size = Math.min(18, Math.floor((18 * rightWidth) / Math.max(1, sheet.doc.widthOfString(title))));
  sheet.y += sheet.text(title, rightX, top, { width: rightWidth, align: 'right', size, bold: true }) + 8;
  sheet.pairs(
    facts.map(([k, v]) => [k, v] as [string, string]),
    rightX,
    rightWidth,
  );
  sheet.y = Math.max(sheet.y, y) + 18;
}

/** "Bill to" (or "Statement for") block with the client's address; a second block at the right. */
function addressee(sheet: Sheet, label: string, client: Party, right: readonly [string, string][]): void {
  const top = sheet.y;
  const width = CONTENT * 0.52;
  let y = top;
  y += sheet.text(label.toUpperCase(), MARGIN, y, { width, size: 7.5, bold: true, color: MUTED }) + 2;
  y += sheet.text(client.name, MARGIN, y, { width, size: 11, bold: true }) + 2;
  for (const line of client.lines) y += sheet.text(line, MARGIN, y, { width, size: 9 });
  sheet.y = top;
  sheet.pairs(
    right.map(([k, v]) => [k, v] as [string, string]),
    MARGIN + CONTENT * 0.55,
    CONTENT * 0.45,
  );
  sheet.y = Math.max(sheet.y, y) + 16;
}

// ---- invoice -------------------------------------------------------------------------------------

const ITEM_COLUMNS: Column[] = [
  { header: '#', width: 22, align: 'right' },
  { header: 'Description', width: 152, align: 'left' },
  { header: 'Period', width: 84, align: 'left' },
  { header: 'Quantity', width: 60, align: 'right' },
  { header: 'Unit price', width: 58, align: 'right' },
  { header: 'Discount', width: 50, align: 'right' },
  { header: 'Amount', width: CONTENT - 22 - 152 - 84 - 60 - 58 - 50, align: 'right' },
];

const TAX_COLUMNS: Column[] = [
  { header: 'Tax', width: 140, align: 'left' },
  { header: 'Type', width: 120, align: 'left' },
  { header: 'Rate', width: 60, align: 'right' },
  { header: 'Taxable amount', width: 90, align: 'right' },
  { header: 'Tax amount', width: CONTENT - 140 - 120 - 60 - 90, align: 'right' },
];

/** What the invoice is called at its head. */
export function invoiceTitle(d: Pick<InvoiceDocument, 'type' | 'number'>): string {
  const name = d.type === 'CREDIT' ? 'Credit invoice' : 'Invoice';
  return d.number ? `${name} ${d.number}` : `Draft ${name.toLowerCase()}`;
}

/** The invoice as a PDF: several pages when the items overflow, the table header repeated. */
export async function renderInvoicePdf(d: InvoiceDocument): Promise<Uint8Array> {
  const money = (v: string) => amountText(v, d.currency);
  const draft = d.number === null;
  const title = invoiceTitle(d);
  const sheet = new Sheet({
    title,
    author: d.issuer.name,
    subject: `${title} to ${d.client.name}`,
    created: new Date(`${d.invoiceDate}T00:00:00Z`),
  });
  letterhead(
    sheet,
    d.issuer,
    draft
      ? `DRAFT ${d.type === 'CREDIT' ? 'CREDIT INVOICE' : 'INVOICE'}`
      : d.type === 'CREDIT'
        ? 'CREDIT INVOICE'
        : 'INVOICE',
    [
      ['Invoice number', d.number ?? `— (${d.stage.toLowerCase()})`],
      ['Invoice date', dateText(d.invoiceDate)],
      ...(d.dueDate ? ([['Due date', dateText(d.dueDate)]] as [string, string][]) : []),
      ...(d.periodStart || d.periodEnd
        ? ([['Period', periodText(d.periodStart, d.periodEnd)]] as [string, string][])
        : []),
      ['Type', d.type === 'CREDIT' ? 'Credit' : 'Debit'],
      ['Status', draft ? `Draft (${d.stage.toLowerCase()})` : statusText(d.status)],
      ...(d.creditedInvoiceNumber
        ? ([['Credits invoice', d.creditedInvoiceNumber]] as [string, string][])
        : []),
    ],
  );
  addressee(sheet, 'Bill to', d.client, [
    ['Account', d.accountName],
    ['Currency', d.currency],
  ]);
  if (draft) {
    sheet.y +=
      sheet.text(
        'Draft: this invoice is not issued yet and has no number. It is not a request for payment.',
        MARGIN,
        sheet.y,
        {
          width: CONTENT,
          size: 9,
          bold: true,
          color: '#b42318',
        },
      ) + 10;
  }
  sheet.continuation = () => {
    sheet.y +=
      sheet.text(`${d.issuer.name} · ${title} · ${d.client.name} (continued)`, MARGIN, sheet.y, {
        width: CONTENT,
        size: 8,
        color: MUTED,
      }) + 10;
  };

  sheet.table(
    ITEM_COLUMNS,
    d.items.map((i) => [
      String(i.lineNo),
      i.description,
      periodText(i.periodStart, i.periodEnd),
      `${quantityText(i.quantity)}${i.unit ? ` ${i.unit}` : ''}`,
      unitPriceText(i.unitPrice, d.currency),
      Number(i.discount) === 0 ? '' : money(i.discount),
      money(i.amount),
    ]),
  );
  if (d.items.length === 0) {
    sheet.y += 4 + sheet.text('No items.', MARGIN, sheet.y + 4, { width: CONTENT, size: 9, color: MUTED });
  }
  sheet.y += 16;

  if (d.taxes.length > 0) {
    sheet.ensure(60);
    sheet.y += sheet.text('Taxes', MARGIN, sheet.y, { width: CONTENT, size: 10, bold: true }) + 4;
    sheet.table(
      TAX_COLUMNS,
      d.taxes.map((t) => [t.code, t.type, percentText(t.percent), money(t.base), money(t.amount)]),
    );
    sheet.y += 16;
  }

  const credit = d.type === 'CREDIT';
  const totals: [string, string, boolean?][] = [
    ['Subtotal', money(d.subtotal)],
    ['Tax', money(d.taxTotal)],
    [`Total ${d.currency}`, money(d.total), true],
    [credit ? 'Applied' : 'Amount paid', money(d.amountPaid)],
    [credit ? `Remaining ${d.currency}` : `Amount due ${d.currency}`, money(d.amountDue), true],
  ];
  sheet.ensure(totals.length * 16 + 10);
  const x = MARGIN + CONTENT * 0.5;
  sheet.rule(sheet.y - 6, INK, x, CONTENT * 0.5);
  sheet.pairs(totals, x, CONTENT * 0.5, 10);
  sheet.y += 10;
  if (!draft && !credit && d.status === 'UNPAID' && Number(d.amountDue) > 0) {
    sheet.ensure(30);
    sheet.text(
      `Please pay ${moneyText(d.amountDue, d.currency)} quoting invoice number ${d.number}.`,
      MARGIN,
      sheet.y,
      { width: CONTENT, size: 9, color: MUTED },
    );
  }
  return sheet.finish(`${d.issuer.name} · ${title} · ${dateText(d.invoiceDate)}`, draft ? 'DRAFT' : null);
}

function statusText(status: string): string {
  return status.charAt(0) + status.slice(1).toLowerCase();
}

// ---- statement of account ------------------------------------------------------------------------

const STATEMENT_COLUMNS: Column[] = [
  { header: 'Date', width: 62, align: 'left' },
  { header: 'Number', width: 88, align: 'left' },
  { header: 'Description', width: 165, align: 'left' },
  { header: 'Debit', width: 60, align: 'right' },
  { header: 'Credit', width: 60, align: 'right' },
  { header: 'Balance', width: CONTENT - 62 - 88 - 165 - 60 - 60, align: 'right' },
];

/** The statement of account as a PDF: opening balance, every document, closing balance. */
export async function renderStatementPdf(d: StatementDocument): Promise<Uint8Array> {
  const money = (v: string) => amountText(v, d.currency);
  const period = periodText(d.from, d.to);
  const sheet = new Sheet({
    title: `Statement of account ${d.accountName} ${d.from} – ${d.to}`,
    author: d.issuer.name,
    subject: `Statement of account of ${d.client.name}, ${period}`,
    created: new Date(`${d.issuedOn}T00:00:00Z`),
  });
  letterhead(sheet, d.issuer, 'STATEMENT OF ACCOUNT', [
    ['Account', d.accountName],
    ['Period', period],
    ['Currency', d.currency],
    ['Statement date', dateText(d.issuedOn)],
  ]);
  addressee(sheet, 'Statement for', d.client, [
    ['Opening balance', money(d.opening.owed)],
    ['Debits', money(d.totalDebit)],
    ['Credits', money(d.totalCredit)],
    [`Closing balance ${d.currency}`, money(d.closing.owed)],
  ]);
  sheet.continuation = () => {
    sheet.y +=
      sheet.text(
        `${d.issuer.name} · Statement of account ${d.accountName} · ${period} (continued)`,
        MARGIN,
        sheet.y,
        {
          width: CONTENT,
          size: 8,
          color: MUTED,
        },
      ) + 10;
  };
  sheet.table(
    STATEMENT_COLUMNS,
    [
      [dateText(d.from), '', 'Opening balance', '', '', money(d.opening.owed)],
      ...d.lines.map((l) => [
        dateText(l.date),
        l.number,
        l.description,
        l.debit === null ? '' : money(l.debit),
        l.credit === null ? '' : money(l.credit),
        money(l.balance),
      ]),
      [
        dateText(d.to),
        '',
        'Closing balance',
        money(d.totalDebit),
        money(d.totalCredit),
        money(d.closing.owed),
      ],
    ],
    { boldLast: true },
  );
  sheet.y += 14;
  sheet.ensure(40);
  sheet.text(
    `Balance: what is owed to ${d.issuer.name} (negative: in your favour). At ${dateText(d.to)}: due on open invoices ${moneyText(d.closing.due, d.currency)}, money held on the account ${moneyText(d.closing.balance, d.currency)}.`,
    MARGIN,
    sheet.y,
    { width: CONTENT, size: 8.5, color: MUTED },
  );
  return sheet.finish(`${d.issuer.name} · Statement of account ${d.accountName} · ${period}`, null);
}

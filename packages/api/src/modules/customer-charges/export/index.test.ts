import type { AddressInfo } from 'node:net';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { serve } from '@hono/node-server';
import fc from 'fast-check';
import { unzipSync } from 'fflate';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
// Reading back our own, trusted output only: never an uploaded workbook (DEVELOPERS.md).
import * as XLSX from 'xlsx';
import {
  type CustomerChargeExportRow,
  type CustomerChargeExportValues,
  crc32,
  csvStream,
  csvText,
  customerChargeExportColumnIds,
  customerChargeExportColumns,
  customerChargeExportColumnsSchema,
  customerChargesExportStream,
  customerChargesExportValuesStream,
  type ExportColumn,
  ExportTooManyRowsError,
  excelSerialDate,
  exportContentDisposition,
  exportContentType,
  heldUntil,
  safeSheetName,
  xlsxStream,
  xmlText,
} from './index';

const all = [
  'invoiceNumber',
  'invoiceDate',
  'type',
  'customer',
  'description',
  'startDate',
  'endDate',
  'unitCostPrice',
  'unitSellPrice',
  'quantity',
  'unit',
  'totalCostPrice',
  'totalSellPrice',
  'productType',
  'productName',
] as const;

function charge(i: number, over: Partial<CustomerChargeExportRow> = {}): CustomerChargeExportRow {
  return {
    invoiceNumber: `INV-${String(100000 + i)}`,
    invoiceDate: '2026-01-31',
    type: i % 5 === 0 ? 'CREDIT' : 'DEBIT',
    customer: `Customer ${i % 7}`,
    description: `Microsoft 365 Business (${(i % 12) + 1}/12)`,
    startDate: '2026-01-01',
    endDate: '2026-01-31',
    unitCostPrice: '10.125000',
    unitSellPrice: '12.500000',
    quantity: '3',
    unit: 'Month',
    totalCostPrice: i % 5 === 0 ? '-30.3750' : '30.3750',
    totalSellPrice: i % 5 === 0 ? '-37.5000' : '37.5000',
    productType: 'Subscription',
    productName: 'Microsoft 365 Business',
    currency: 'EUR',
    ...over,
  };
}

async function bytesOf(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function readXlsx(stream: ReadableStream<Uint8Array>) {
  const bytes = await bytesOf(stream);
  const wb = XLSX.read(bytes, { type: 'array', cellDates: false, cellNF: true, cellStyles: true });
  const name = wb.SheetNames[0]!;
  const ws = wb.Sheets[name]!;
  return { bytes, wb, name, ws, rows: XLSX.utils.sheet_to_json<unknown[]>(ws, { header: 1, raw: true }) };
}

describe('XLSX', () => {
  it('reads back: header, rows, dates as dates, money and quantities as numbers', async () => {
    const columns = customerChargeExportColumns(all);
    const rows = [charge(1), charge(5, { customer: null, startDate: null })];
    const {
      wb,
      name,
      ws,
      rows: table,
    } = await readXlsx(customerChargesExportStream('xlsx', [...all], [rows]));
    expect(name).toBe('Customer Charges');
    expect(wb.SheetNames).toEqual(['Customer Charges']);
    expect(table[0]).toEqual([...columns.map((c) => c.header)]);
    expect(table[0]).toContain('Currency');
    expect(table).toHaveLength(3);
    // B2: invoice date, a number formatted as a date.
    const b2 = ws.B2!;
    expect(b2.t).toBe('n');
    expect(b2.v).toBe(46053); // 2026-01-31
    expect(XLSX.SSF.is_date(String(b2.z))).toBe(true);
    const parsed = XLSX.SSF.parse_date_code(b2.v as number);
    expect([parsed.y, parsed.m, parsed.d]).toEqual([2026, 1, 31]);
    // H2 unit cost price, J2 quantity, L3 negative total of the credit.
    expect(ws.H2).toMatchObject({ t: 'n', v: 10.125, z: '#,##0.00####' });
    expect(ws.J2).toMatchObject({ t: 'n', v: 3 });
    expect(ws.L3).toMatchObject({ t: 'n', v: -30.375, z: '#,##0.00' });
    expect(ws.A2).toMatchObject({ t: 's', v: 'INV-100001' });
    expect(ws.P2).toMatchObject({ t: 's', v: 'EUR' });
    expect(ws.C2).toMatchObject({ t: 's', v: 'Debit' });
    expect(ws.C3).toMatchObject({ t: 's', v: 'Credit' });
    // Blanks are empty cells.
    expect(ws.D3).toBeUndefined();
    expect(ws.F3).toBeUndefined();
    expect(table[2]?.[4]).toBe('Microsoft 365 Business (6/12)');
    expect(ws['!cols']?.[4]?.width).toBe(40);
  });

  it('the package has the parts of a SpreadsheetML workbook', async () => {
    const files = unzipSync(await bytesOf(customerChargesExportStream('xlsx', ['customer'], [[charge(1)]])));
    expect(Object.keys(files).sort()).toEqual([
      '[Content_Types].xml',
      '_rels/.rels',
      'xl/_rels/workbook.xml.rels',
      'xl/styles.xml',
      'xl/workbook.xml',
      'xl/worksheets/sheet1.xml',
    ]);
    const sheet = new TextDecoder().decode(files['xl/worksheets/sheet1.xml']);
    expect(sheet).toContain('<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>');
    expect(sheet).toContain('<col min="1" max="1" width="28" customWidth="1"/>');
  });

  it('neutralizes formulas: text is always a string cell, never a formula', async () => {
    const evil = [
      '=HYPERLINK("http://x","y")',
      '+1+1',
      '-2+3',
      '@SUM(A1)',
      '\t=1',
      '\r=1',
      '=cmd|/C calc!A0',
    ];
    const rows = evil.map((text, i) => charge(i, { customer: text, description: text }));
    const { ws, bytes } = await readXlsx(
      customerChargesExportStream('xlsx', ['customer', 'description'], rows),
    );
    evil.forEach((text, i) => {
      const cell = ws[`A${i + 2}`]!;
      expect(cell.t).toBe('s');
      expect(cell.v).toBe(text);
      expect(cell.f).toBeUndefined();
    });
    const sheet = new TextDecoder().decode(unzipSync(bytes)['xl/worksheets/sheet1.xml']);
    expect(sheet).not.toContain('<f>');
  });

  it('keeps awkward text intact: markup, whitespace, _xHHHH_, control characters, long text', async () => {
    const texts = [
      '<b>&amp;</b> "q" \'s\'',
      '  padded  ',
      'A_x0041_B',
      'bell\u0007end',
      'line1\nline2',
      '€ 中文 🎉',
    ];
    const rows = texts.map((text, i) => charge(i, { customer: text }));
    const { ws } = await readXlsx(customerChargesExportStream('xlsx', ['customer'], rows));
    expect(ws.A2!.v).toBe(texts[0]);
    expect(ws.A3!.v).toBe('  padded  ');
    expect(ws.A4!.v).toBe('A_x0041_B');
    expect(ws.A5!.v).toBe('bellend');
    expect(ws.A6!.v).toBe('line1\nline2');
    expect(ws.A7!.v).toBe('€ 中文 🎉');
    expect(xmlText('x'.repeat(40_000))).toHaveLength(32_767);
  });

  it('0 rows: the header only', async () => {
    const { rows } = await readXlsx(
      customerChargesExportStream('xlsx', ['invoiceNumber', 'totalSellPrice'], []),
    );
    expect(rows).toEqual([['Invoice', 'Total sell price', 'Currency']]);
  });

  it('takes rows one by one or in batches, from sync or async iterables', async () => {
    async function* oneByOne() {
      for (let i = 0; i < 2500; i++) yield charge(i);
    }
    function* batches() {
      yield [charge(0), charge(1)];
      yield charge(2);
      yield [];
      yield [charge(3)];
    }
    const a = await readXlsx(customerChargesExportStream('xlsx', ['invoiceNumber'], oneByOne()));
    expect(a.rows).toHaveLength(2501);
    expect(a.rows[2500]).toEqual(['INV-102499']);
    const b = await readXlsx(customerChargesExportStream('xlsx', ['invoiceNumber'], batches()));
    expect(b.rows.slice(1)).toEqual([['INV-100000'], ['INV-100001'], ['INV-100002'], ['INV-100003']]);
  });

  it('values that do not fit their kind are written as text', async () => {
    const rows = [charge(1, { quantity: 'n/a', invoiceDate: 'someday', unitCostPrice: 12.5 })];
    const { ws } = await readXlsx(
      customerChargesExportStream('xlsx', ['quantity', 'invoiceDate', 'unitCostPrice'], rows),
    );
    expect(ws.A2).toMatchObject({ t: 's', v: 'n/a' });
    expect(ws.B2).toMatchObject({ t: 's', v: 'someday' });
    expect(ws.C2).toMatchObject({ t: 'n', v: 12.5 });
  });

  it('is pulled, not pushed: nothing is read ahead of the consumer', async () => {
    let produced = 0;
    function* many() {
      for (let b = 0; b < 1000; b++) {
        produced += 1000;
        yield Array.from({ length: 1000 }, (_, i) => charge(b * 1000 + i));
      }
    }
    const reader = customerChargesExportStream('xlsx', [...all], many()).getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    expect(produced).toBeLessThan(20_000);
    await reader.cancel();
  });

  it('errors the stream past the row limit, and when the source fails', async () => {
    const columns = customerChargeExportColumns(['invoiceNumber']);
    await expect(
      bytesOf(xlsxStream(columns, [[charge(1), charge(2), charge(3)]], { maxRows: 2 })),
    ).rejects.toThrow(ExportTooManyRowsError);
    async function* failing() {
      yield charge(1);
      throw new Error('database went away');
    }
    await expect(bytesOf(xlsxStream(columns, failing()))).rejects.toThrow('database went away');
    await expect(bytesOf(csvStream(columns, [[charge(1), charge(2)]], { maxRows: 1 }))).rejects.toThrow(
      ExportTooManyRowsError,
    );
  });

  it('Excel dates and sheet names', () => {
    expect(excelSerialDate('1900-01-01')).toBe(1);
    expect(excelSerialDate('1900-02-28')).toBe(59); // 60 is Excel's phantom 1900-02-29
    expect(excelSerialDate('1900-03-01')).toBe(61);
    expect(excelSerialDate('2026-01-31')).toBe(46053);
    expect(excelSerialDate(new Date(Date.UTC(2026, 0, 31)))).toBe(46053);
    expect(excelSerialDate('2026-02-30')).toBeUndefined();
    expect(excelSerialDate('1899-01-01')).toBeUndefined();
    expect(safeSheetName('a/b:c*d?e[f]g\\h')).toBe('a b c d e f g h');
    expect(safeSheetName('x'.repeat(40))).toHaveLength(31);
    expect(safeSheetName('')).toBe('Sheet1');
  });
});

describe('columns', () => {
  it('adds Currency after the requested columns when a price column is exported', () => {
    expect(customerChargeExportColumnIds(['customer', 'invoiceDate'])).toEqual(['customer', 'invoiceDate']);
    expect(customerChargeExportColumnIds(['totalSellPrice', 'customer'])).toEqual([
      'totalSellPrice',
      'customer',
      'currency',
    ]);
    for (const price of ['unitCostPrice', 'unitSellPrice', 'totalCostPrice', 'totalSellPrice'] as const) {
      expect(customerChargeExportColumnIds([price]).at(-1)).toBe('currency');
    }
  });

  it('the request schema takes known ids, each once', () => {
    expect(customerChargeExportColumnsSchema.safeParse(['customer', 'unit']).success).toBe(true);
    expect(customerChargeExportColumnsSchema.safeParse([]).success).toBe(false);
    expect(customerChargeExportColumnsSchema.safeParse(['customer', 'customer']).success).toBe(false);
    expect(customerChargeExportColumnsSchema.safeParse(['currency']).success).toBe(false);
    expect(customerChargeExportColumnsSchema.safeParse(['secret']).success).toBe(false);
  });

  it('the file name keeps its space', () => {
    expect(exportContentDisposition('xlsx')).toBe(
      `attachment; filename="Customer Charges.xlsx"; filename*=UTF-8''Customer%20Charges.xlsx`,
    );
  });
});

describe('CSV', () => {
  it('BOM, CRLF, quoting, numbers and dates as they are, formulas neutralized', async () => {
    const rows = [
      charge(1, { customer: 'Acme, "Inc"', description: '=1+1' }),
      charge(5, { customer: null, description: 'two\nlines', startDate: null }),
    ];
    const bytes = await bytesOf(
      customerChargesExportStream(
        'csv',
        ['customer', 'description', 'startDate', 'totalSellPrice', 'quantity'],
        rows,
      ),
    );
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes.slice(3));
    expect(text).toBe(
      'Customer,Description,Start date,Total sell price,Quantity,Currency\r\n' +
        `"Acme, ""Inc""",'=1+1,2026-01-01,37.5000,3,EUR\r\n` +
        `,"two\nlines",,-37.5000,3,EUR\r\n`,
    );
  });

  it('csvText neutralizes every formula start (OWASP)', () => {
    expect(csvText('=A1')).toBe("'=A1");
    expect(csvText('+1')).toBe("'+1");
    expect(csvText('-1')).toBe("'-1");
    expect(csvText('@x')).toBe("'@x");
    expect(csvText('\tx')).toBe("'\tx");
    expect(csvText('\rx')).toBe(`"'\rx"`);
    expect(csvText('plain')).toBe('plain');
    expect(csvText('')).toBe('');
  });

  it('0 rows: the header only; SheetJS reads it back', async () => {
    const bytes = await bytesOf(customerChargesExportStream('csv', ['invoiceNumber'], []));
    expect(new TextDecoder().decode(bytes)).toBe('Invoice\r\n');
    const columns: ExportColumn<{ n: string }>[] = [
      { id: 'n', header: 'N', kind: 'money', width: 5, value: (r) => r.n },
    ];
    const csv = await bytesOf(csvStream(columns, [[{ n: '1.50' }]]));
    const wb = XLSX.read(new TextDecoder().decode(csv), { type: 'string' });
    expect(XLSX.utils.sheet_to_json(wb.Sheets[wb.SheetNames[0]!]!, { header: 1 })).toEqual([['N'], [1.5]]);
  });
});

describe('streaming', () => {
  it('the web CompressionStream deflater writes the same workbook', async () => {
    const columns = customerChargeExportColumns([...all]);
    const rows = Array.from({ length: 3000 }, (_, i) => charge(i));
    const { rows: table } = await readXlsx(xlsxStream(columns, [rows], { deflate: 'web' }));
    expect(table).toHaveLength(3001);
    expect(table[3000]?.[0]).toBe('INV-102999');
  });

  it('a download canceled before its first read ends the row source (a database cursor) too', async () => {
    for (const format of ['xlsx', 'csv'] as const) {
      let ended = false;
      const source: AsyncIterableIterator<CustomerChargeExportValues[]> = {
        [Symbol.asyncIterator]() {
          return this;
        },
        next: async () => ({ done: false, value: [[`INV-1`]] }),
        return: async () => {
          ended = true;
          return { done: true, value: undefined };
        },
      };
      await customerChargesExportValuesStream(format, ['invoiceNumber'], source).cancel();
      expect(ended).toBe(true);
    }
  });

  it('rows as arrays of values: the same file as rows as objects', async () => {
    const ids = customerChargeExportColumnIds([...all]);
    const objects = Array.from({ length: 50 }, (_, i) => charge(i, i === 3 ? { customer: null } : {}));
    const values = objects.map((o) => [...ids.map((id) => o[id]), 'ignored']);
    const a = await readXlsx(customerChargesExportStream('xlsx', [...all], [objects]));
    const b = await readXlsx(customerChargesExportValuesStream('xlsx', [...all], [values]));
    expect(b.rows).toEqual(a.rows);
    expect(b.ws.D5).toBeUndefined();
    expect(b.ws.C2).toMatchObject({ t: 's', v: 'Credit' });
    expect(b.ws.C3).toMatchObject({ t: 's', v: 'Debit' });
  });

  it('our CRC-32 (for runtimes without zlib) matches zlib, in pieces too', () => {
    const data = new TextEncoder().encode('Customer Charges: 12.500000 × 3 = 37.5000 € '.repeat(500));
    expect(crc32(0, data)).toBe(zlibCrc32(data));
    expect(crc32(crc32(0, data.subarray(0, 1001)), data.subarray(1001))).toBe(zlibCrc32(data));
    expect(crc32(0, new Uint8Array(0))).toBe(0);
  });

  it('streams through Hono on @hono/node-server', async () => {
    const app = new Hono();
    app.get('/export', (c) => {
      async function* rows() {
        for (let b = 0; b < 5; b++) yield Array.from({ length: 1000 }, (_, i) => charge(b * 1000 + i));
      }
      return c.body(customerChargesExportStream('xlsx', [...all], rows()), 200, {
        'Content-Type': exportContentType('xlsx'),
        'Content-Disposition': exportContentDisposition('xlsx'),
      });
    });
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    try {
      await new Promise<void>((resolve) => server.once('listening', () => resolve()));
      const { port } = server.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/export`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-disposition')).toContain('Customer Charges.xlsx');
      const { rows } = await readXlsx(response.body!);
      expect(rows).toHaveLength(5001);
      expect(rows[5000]?.[0]).toBe('INV-104999');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }, 30_000);
});

describe('properties', () => {
  // Characters XML 1.0 cannot hold are dropped; everything else comes back as it went in.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: those are the ones dropped
  const unrepresentable = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

  it('any text and any decimal round-trip through XLSX', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            text: fc.string({
              unit: fc.oneof(
                fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', '_', 'x', '&', '<', '"', ' '),
                fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)),
                fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
              ),
              maxLength: 20,
            }),
            amount: fc.integer({ min: -1e9, max: 1e9 }).map((n) => (n / 10_000).toFixed(4)),
          }),
          { maxLength: 20 },
        ),
        async (items) => {
          const rows = items.map((item, i) =>
            charge(i, { customer: item.text, totalSellPrice: item.amount }),
          );
          const { ws } = await readXlsx(
            customerChargesExportStream('xlsx', ['customer', 'totalSellPrice'], rows),
          );
          items.forEach((item, i) => {
            const expected = item.text.replace(unrepresentable, '');
            const cell = ws[`A${i + 2}`];
            if (expected === '') expect(cell).toBeUndefined();
            else expect(cell).toMatchObject({ t: 's', v: expected });
            expect(ws[`B${i + 2}`]).toMatchObject({ t: 'n', v: Number(item.amount) });
          });
        },
      ),
      { numRuns: 60 },
    );
  }, 60_000);
});

describe('heldUntil (a file held back while its view is counted)', () => {
  /** Batches of 1000 rows, each after a turn of the event loop, as a database's would come. */
  const source = (batches = 20) => {
    const state = { read: 0, closed: false };
    async function* rows() {
      try {
        for (let b = 0; b < batches; b++) {
          await new Promise((resolve) => setImmediate(resolve));
          state.read += 1000;
          yield Array.from({ length: 1000 }, (_, i) => charge(b * 1000 + i));
        }
      } finally {
        state.closed = true;
      }
    }
    return { state, file: customerChargesExportStream('csv', ['invoiceNumber', 'quantity'], rows()) };
  };
  const later = <T>(value: T, ms = 20) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

  it('sends the whole file, its first bytes written ahead, once the count says it fits', async () => {
    const expected = await bytesOf(source().file);
    const { state, file } = source();
    const held = await heldUntil(file, later(false));
    expect(state.read).toBeGreaterThan(0);
    if (!held) throw new Error('it fits');
    expect(await bytesOf(held)).toEqual(expected);
    expect(state.closed).toBe(true);
  });

  it('sends nothing and ends the rows when the view does not fit, or when the count fails', async () => {
    const tooMany = source(1000);
    expect(await heldUntil(tooMany.file, later(true))).toBeUndefined();
    expect(tooMany.state.closed).toBe(true);
    expect(tooMany.state.read).toBeLessThan(1_000_000);
    const failing = source(1000);
    await expect(
      heldUntil(
        failing.file,
        later(null).then(() => Promise.reject(new Error('count failed'))),
      ),
    ).rejects.toThrow('count failed');
    expect(failing.state.closed).toBe(true);
  });
});

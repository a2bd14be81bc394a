/**
 * Streaming spreadsheet writers: XLSX (Office Open XML SpreadsheetML, one sheet, inline strings)
 * and CSV. Rows come from an (async) iterable, one at a time or in batches; the output is a web
 * ReadableStream<Uint8Array> that produces only as fast as it is read, so memory stays bounded
 * whatever the row count (no shared-strings table, nothing kept per row). Runtime-neutral: it runs
 * on Node (Hono's node server streams it) and on edge runtimes alike.
 */
import type { Transform } from 'node:stream';
import { type AsyncFlateStreamHandler, Zip, ZipDeflate, type ZipInputFile } from 'fflate';

/** How a column's values are written. */
export type ExportCellKind = 'text' | 'date' | 'money' | 'unitPrice' | 'quantity';

export type ExportCellValue = string | number | Date | null | undefined;

export interface ExportColumn<Row> {
  readonly id: string;
  readonly header: string;
  readonly kind: ExportCellKind;
  /** Width in Excel's character units. */
  readonly width: number;
  readonly value: (row: Row) => ExportCellValue;
}

/** Rows, one by one or in batches (as a database cursor yields them). */
export type RowSource<Row> = AsyncIterable<Row | readonly Row[]> | Iterable<Row | readonly Row[]>;

/** One sheet holds 1,048,576 rows; the header takes one. */
export const XLSX_MAX_DATA_ROWS = 1_048_575;

export class ExportTooManyRowsError extends Error {
  constructor(readonly limit: number) {
    super(`An export holds at most ${limit} rows; narrow the filters`);
    this.name = 'ExportTooManyRowsError';
  }
}

export interface XlsxOptions {
  /** At most 31 characters, none of []:*?/\ (Excel's rules). Default "Sheet1". */
  readonly sheetName?: string;
  /** Default XLSX_MAX_DATA_ROWS; more rows error the stream with ExportTooManyRowsError. */
  readonly maxRows?: number;
  /** Which native deflate: Node's zlib (level 1) where it exists, or the web CompressionStream. */
  readonly deflate?: 'node' | 'web';
}

export interface CsvOptions {
  readonly maxRows?: number;
}

// ---------------------------------------------------------------------------------------------
// Values

const numberPattern = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A number's text as written to the file, or undefined when the value is not a number. */
function numberText(value: ExportCellValue): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  // Decimal strings (numeric columns, Money) go out digit for digit: no float on our side.
  if (typeof value === 'string' && numberPattern.test(value)) return value;
  return undefined;
}

const DAY_MS = 86_400_000;
/** Days from Excel's epoch (1899-12-30 for every date after 1900-02-28) to 1970-01-01. */
const EXCEL_EPOCH_OFFSET = 25_569;
const isoDatePrefix = /^(\d{4})-(\d{2})-(\d{2})/;

// Exports repeat the same few hundred dates: remember them (bounded).
const serialCache = new Map<string, number | undefined>();

/** `YYYY-MM-DD` (a time after it is ignored) or a Date → Excel's serial day number. */
export function excelSerialDate(value: string | Date): number | undefined {
  if (typeof value !== 'string') return computeSerialDate(value);
  const known = serialCache.get(value);
  if (known !== undefined || serialCache.has(value)) return known;
  if (serialCache.size >= 10_000) serialCache.clear();
  const serial = computeSerialDate(value);
  serialCache.set(value, serial);
  return serial;
}

function computeSerialDate(value: string | Date): number | undefined {
  let ms: number;
  if (value instanceof Date) {
    ms = Date.UTC(value.getUTCFullYear(), value.getUTCMonth(), value.getUTCDate());
  } else {
    const m = isoDatePrefix.exec(value);
    if (!m) return undefined;
    const year = Number(m[1]);
    const month = Number(m[2]);
    const day = Number(m[3]);
    ms = Date.UTC(year, month - 1, day);
    const d = new Date(ms);
    if (d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return undefined;
  }
  if (Number.isNaN(ms)) return undefined;
  const serial = ms / DAY_MS + EXCEL_EPOCH_OFFSET;
  // Excel counts a 1900-02-29 that never was (serial 60): the days before it are one less.
  if (serial < 61) return serial >= 2 ? serial - 1 : undefined;
  return serial;
}

function isoDateText(value: ExportCellValue): string | undefined {
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? undefined : value.toISOString().slice(0, 10);
  if (typeof value === 'string' && isoDatePrefix.test(value)) return value.slice(0, 10);
  return undefined;
}

function textOf(value: ExportCellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
  return String(value);
}

/** Excel's limit for one cell. */
const MAX_CELL_TEXT = 32_767;
// Characters XML 1.0 cannot hold at all, plus those we must escape.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const xmlSpecial = /[&<>\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|_x[0-9A-Fa-f]{4}_/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: as above
const xmlSpecialGlobal = /[&<>\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|_x[0-9A-Fa-f]{4}_/g;

function xmlEscapeChar(match: string): string {
  switch (match) {
    case '&':
      return '&amp;';
    case '<':
      return '&lt;';
    case '>':
      return '&gt;';
    // A literal CR would be read back as LF; a character reference keeps it.
    case '\r':
      return '&#13;';
    default:
      // Excel reads `_xHHHH_` in text as an escaped character; escape its underscore to keep it.
      if (match.length === 7) return `_x005F${match}`;
      return ''; // not representable in XML 1.0
  }
}

/** Text for a `<t>` element. */
export function xmlText(text: string): string {
  const capped = text.length > MAX_CELL_TEXT ? text.slice(0, MAX_CELL_TEXT) : text;
  return xmlSpecial.test(capped) ? capped.replace(xmlSpecialGlobal, xmlEscapeChar) : capped;
}

function xmlAttr(text: string): string {
  return xmlText(text).replace(/"/g, '&quot;');
}

// ---------------------------------------------------------------------------------------------
// Streaming plumbing

/** Reads a RowSource as batches; `close()` ends the source, whether it was started or not. */
interface BatchReader<Row> {
  /** The next batch (maybe empty), or undefined at the end. */
  next(): Promise<readonly Row[] | undefined>;
  close(): Promise<void>;
}

function batchReader<Row>(source: RowSource<Row>): BatchReader<Row> {
  type Item = Row | readonly Row[];
  const iterator: AsyncIterator<Item> | Iterator<Item> =
    Symbol.asyncIterator in source
      ? (source as AsyncIterable<Item>)[Symbol.asyncIterator]()
      : (source as Iterable<Item>)[Symbol.iterator]();
  let ended = false;
  let pending: readonly Row[] | undefined;
  return {
    async next() {
      if (pending) {
        const batch = pending;
        pending = undefined;
        return batch;
      }
      if (ended) return undefined;
      const single: Row[] = [];
      for (;;) {
        const item = await iterator.next();
        if (item.done) {
          ended = true;
          return single.length > 0 ? single : undefined;
        }
        if (Array.isArray(item.value)) {
          if (single.length === 0) return item.value as readonly Row[];
          pending = item.value as readonly Row[];
          return single;
        }
        single.push(item.value as Row);
        if (single.length >= 1000) return single;
      }
    },
    async close() {
      if (ended) return;
      ended = true;
      await iterator.return?.();
    },
  };
}

const encoder = new TextEncoder();
/** Text is gathered up to this many characters before it is encoded and compressed. */
const CHUNK_CHARS = 1 << 17;

interface Producer {
  /** Adds output; answers true when there is nothing more to produce. */
  step(): Promise<boolean>;
  /** Output produced so far, handed over and forgotten. */
  take(): Uint8Array[];
  cancel(reason: unknown): Promise<void>;
}

function streamOf(producer: Producer): ReadableStream<Uint8Array> {
  let finished = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          // Produce until there is output to hand over (a batch may compress to nothing yet).
          while (!finished) {
            finished = await producer.step();
            const chunks = producer.take();
            if (chunks.length > 0) {
              for (const chunk of chunks) controller.enqueue(chunk);
              break;
            }
          }
          if (finished) {
            for (const chunk of producer.take()) controller.enqueue(chunk);
            controller.close();
          }
        } catch (err) {
          await producer.cancel(err).catch(() => {});
          controller.error(err);
        }
      },
      async cancel(reason) {
        await producer.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

function columnLetters(index: number): string {
  let n = index + 1;
  let letters = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    letters = String.fromCharCode(65 + r) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

// ---------------------------------------------------------------------------------------------
// The sheet's zip entry. fflate writes the zip container (headers, data descriptor, central
// directory); the deflating is done by the runtime's own CompressionStream ('deflate-raw', a web
// standard that Node, workerd and browsers implement natively), which is an order of magnitude
// faster than deflate in JavaScript and, on Node, runs off the main thread.

const CRC_TABLE = (() => {
  const t = new Int32Array(256 * 8);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n]!;
    for (let s = 1; s < 8; s++) {
      c = t[c & 255]! ^ (c >>> 8);
      t[s * 256 + n] = c;
    }
  }
  return t;
})();

/** CRC-32 (the zip one), slicing by 8. */
export function crc32(crc: number, d: Uint8Array): number {
  const t = CRC_TABLE;
  let c = ~crc;
  let i = 0;
  for (const n = d.length - 7; i < n; i += 8) {
    const a = c ^ (d[i]! | (d[i + 1]! << 8) | (d[i + 2]! << 16) | (d[i + 3]! << 24));
    c =
      t[1792 + (a & 255)]! ^
      t[1536 + ((a >>> 8) & 255)]! ^
      t[1280 + ((a >>> 16) & 255)]! ^
      t[1024 + (a >>> 24)]! ^
      t[768 + d[i + 4]!]! ^
      t[512 + d[i + 5]!]! ^
      t[256 + d[i + 6]!]! ^
      t[d[i + 7]!]!;
  }
  for (; i < d.length; i++) c = t[(c ^ d[i]!) & 255]! ^ (c >>> 8);
  return ~c >>> 0;
}

type Crc32 = (data: Uint8Array, value?: number) => number;
interface NodeZlib {
  crc32?: Crc32;
  createDeflateRaw?: (options: { level: number }) => Transform;
}
/** Node's zlib when the runtime has it (reached without a static import, so that edge builds work). */
const nodeZlib: NodeZlib | undefined = (() => {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return proc?.getBuiltinModule?.('node:zlib') as NodeZlib | undefined;
})();
const updateCrc: (crc: number, data: Uint8Array) => number =
  typeof nodeZlib?.crc32 === 'function'
    ? (
        (native: Crc32) => (crc: number, data: Uint8Array) =>
          native(data, crc)
      )(nodeZlib.crc32)
    : crc32;

/** Zip stores sizes in 32 bits (no Zip64 here). */
const MAX_ENTRY_BYTES = 0xffff_ffff;

/** Raw deflate, streaming: push with back-pressure, compressed chunks to `ondata`. */
interface Deflater {
  write(data: Uint8Array<ArrayBuffer>): Promise<void>;
  end(): Promise<void>;
  abort(reason: unknown): Promise<void>;
}

const IN_FLIGHT = 1 << 20;

/** Node: zlib at level 1 (several times faster than the default 6, for ~15% more bytes). */
function nodeDeflater(
  create: NonNullable<NodeZlib['createDeflateRaw']>,
  ondata: (c: Uint8Array) => void,
): Deflater {
  const z = create({ level: 1 });
  let failure: unknown;
  const ended = new Promise<void>((resolve, reject) => {
    z.on('end', resolve);
    z.on('error', (err) => {
      failure = err;
      reject(err);
    });
  });
  ended.catch(() => {});
  z.on('data', (chunk: Uint8Array) =>
    ondata(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)),
  );
  return {
    async write(data) {
      if (failure) throw failure;
      // Keep up to IN_FLIGHT bytes queued, so that JavaScript builds the next chunk while zlib
      // compresses this one on its own thread; wait beyond that.
      if (!z.write(data) && z.writableLength > IN_FLIGHT) {
        await new Promise<void>((resolve) => {
          const done = () => {
            z.off('drain', done);
            z.off('error', done);
            resolve();
          };
          z.on('drain', done);
          z.on('error', done);
        });
      }
      if (failure) throw failure;
    },
    async end() {
      z.end();
      await ended;
    },
    async abort(reason) {
      z.destroy(reason instanceof Error ? reason : undefined);
    },
  };
}

/** Elsewhere: the web platform's CompressionStream (Node, workerd and browsers have it natively). */
function webDeflater(ondata: (c: Uint8Array) => void): Deflater {
  const deflate = new CompressionStream('deflate-raw');
  const writer = deflate.writable.getWriter();
  const reader = deflate.readable.getReader();
  let failure: unknown;
  const reading = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      ondata(value);
    }
  })().catch((err: unknown) => {
    failure = err;
  });
  return {
    async write(data) {
      if (failure) throw failure;
      await writer.write(data);
    },
    async end() {
      await writer.close();
      await reading;
      if (failure) throw failure;
    },
    async abort(reason) {
      await writer.abort(reason).catch(() => {});
    },
  };
}

/**
 * A zip entry deflated natively: fflate writes the container around it (its `ZipInputFile` is
 * meant for custom compression), the runtime's zlib does the deflating, off the main thread on
 * Node. fflate's own deflate, in JavaScript, is several times slower.
 */
class DeflatedEntry implements ZipInputFile {
  readonly compression = 8;
  readonly flag = 0;
  size = 0;
  crc = 0;
  ondata?: AsyncFlateStreamHandler;
  private readonly deflater: Deflater;

  constructor(
    readonly filename: string,
    engine: 'node' | 'web' = 'node',
  ) {
    const ondata = (chunk: Uint8Array) => this.ondata?.(null, chunk as Uint8Array<ArrayBuffer>, false);
    const create = nodeZlib?.createDeflateRaw;
    this.deflater = engine === 'node' && create ? nodeDeflater(create, ondata) : webDeflater(ondata);
  }

  /** Waits only while the compressor is busy: that is the back-pressure. */
  async push(data: Uint8Array<ArrayBuffer>): Promise<void> {
    if (data.byteLength === 0) return;
    this.size += data.byteLength;
    if (this.size > MAX_ENTRY_BYTES) throw new Error('The sheet would pass the 4 GiB a zip entry holds');
    this.crc = updateCrc(this.crc, data);
    await this.deflater.write(data);
  }

  async end(): Promise<void> {
    await this.deflater.end();
    this.ondata?.(null, new Uint8Array(0), true);
  }

  async abort(reason: unknown): Promise<void> {
    await this.deflater.abort(reason);
  }
}

// ---------------------------------------------------------------------------------------------
// XLSX

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const NS_MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const NS_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const NS_PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';

const CONTENT_TYPES = `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`;
const ROOT_RELS = `${XML_HEAD}<Relationships xmlns="${NS_PKG_REL}"><Relationship Id="rId1" Type="${NS_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`;
const WORKBOOK_RELS = `${XML_HEAD}<Relationships xmlns="${NS_PKG_REL}"><Relationship Id="rId1" Type="${NS_REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${NS_REL}/styles" Target="styles.xml"/></Relationships>`;

/** Cell styles (cellXfs indexes) used by the sheet. */
const STYLE = { header: 1, date: 2, money: 3, unitPrice: 4, quantity: 5 } as const;
// 14 is Excel's built-in short date, shown in the reader's own locale; 4 is #,##0.00; unit prices
// show up to six decimals; quantities are General (a fixed format would print `3.` for 3).
const STYLES = `${XML_HEAD}<styleSheet xmlns="${NS_MAIN}"><numFmts count="1"><numFmt numFmtId="164" formatCode="#,##0.00####"/></numFmts><fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`;

function workbookXml(sheetName: string): string {
  return `${XML_HEAD}<workbook xmlns="${NS_MAIN}" xmlns:r="${NS_REL}"><bookViews><workbookView/></bookViews><sheets><sheet name="${xmlAttr(sheetName)}" sheetId="1" r:id="rId1"/></sheets></workbook>`;
}

/** Excel's rules for a sheet name. */
export function safeSheetName(name: string): string {
  const cleaned = name
    .replace(/[[\]:*?/\\]/g, ' ')
    .replace(/^'+|'+$/g, '')
    .trim()
    .slice(0, 31);
  return cleaned === '' || cleaned.toLowerCase() === 'history' ? 'Sheet1' : cleaned;
}

function sheetHead(columns: readonly ExportColumn<unknown>[]): string {
  const cols = columns
    .map(
      (c, i) =>
        `<col min="${i + 1}" max="${i + 1}" width="${Math.max(1, Math.min(255, c.width))}" customWidth="1"/>`,
    )
    .join('');
  const header = columns
    .map(
      (c, i) =>
        `<c r="${columnLetters(i)}1" t="inlineStr" s="${STYLE.header}"><is><t>${xmlText(c.header)}</t></is></c>`,
    )
    .join('');
  return (
    `${XML_HEAD}<worksheet xmlns="${NS_MAIN}" xmlns:r="${NS_REL}">` +
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>' +
    '<sheetFormatPr defaultRowHeight="15"/>' +
    (cols ? `<cols>${cols}</cols>` : '') +
    `<sheetData><row r="1">${header}</row>`
  );
}
const SHEET_TAIL = '</sheetData></worksheet>';

/** Writes one data row's cells; `r` is the 1-based sheet row. */
type RowWriter<Row> = (row: Row, r: number) => string;

/** Whether text starts or ends with white space (then `xml:space="preserve"` keeps it). */
function hasOuterSpace(text: string): boolean {
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(text.length - 1);
  // Printable ASCII other than the space needs no regular expression.
  if (first > 32 && first < 127 && last > 32 && last < 127) return false;
  return /^\s|\s$/.test(text);
}

/** Values longer than this are not remembered (see rememberCells). */
const REMEMBERED_LENGTH = 128;
/** At most this many values per column are remembered. */
const REMEMBERED_VALUES = 1024;

/**
 * A column's cells, remembered by value: an export repeats the same customers, products, dates
 * and prices over and over, and a remembered cell costs neither the checks and escaping nor a new
 * string. Bounded: short values only, and the memory is forgotten when full.
 */
function rememberCells(cell: (v: ExportCellValue) => string): (v: ExportCellValue) => string {
  const known = new Map<string, string>();
  return (v) => {
    if (typeof v !== 'string' || v.length > REMEMBERED_LENGTH) return cell(v);
    let xml = known.get(v);
    if (xml === undefined) {
      xml = cell(v);
      if (known.size >= REMEMBERED_VALUES) known.clear();
      known.set(v, xml);
    }
    return xml;
  };
}

/**
 * A cell is written without its reference (`r`, optional in SpreadsheetML: a cell without one
 * follows the cell before it), which saves a fifth of the sheet's bytes, except right after an
 * empty cell, which is left out. Each cell writer answers the cell's text after `<c`, or ''.
 */
function xlsxRowWriter<Row>(columns: readonly ExportColumn<Row>[]): RowWriter<Row> {
  const letters = columns.map((_, i) => columnLetters(i));
  const textCell = (v: ExportCellValue) => {
    // Always a string cell: Excel never evaluates it, so `=1+1` stays text (formula injection).
    const text = typeof v === 'string' ? v : textOf(v);
    if (text === '') return '';
    const t = xmlText(text);
    if (t === '') return '';
    return hasOuterSpace(text)
      ? ` t="inlineStr"><is><t xml:space="preserve">${t}</t></is></c>`
      : ` t="inlineStr"><is><t>${t}</t></is></c>`;
  };
  const cells = columns.map((column): ((row: Row) => string) => {
    const { value } = column;
    let cell: (v: ExportCellValue) => string;
    switch (column.kind) {
      case 'text':
        cell = textCell;
        break;
      case 'date': {
        const dateStyle = ` s="${STYLE.date}"><v>`;
        cell = (v) => {
          const serial = v instanceof Date || typeof v === 'string' ? excelSerialDate(v) : undefined;
          return serial === undefined ? textCell(v) : `${dateStyle}${serial}</v></c>`;
        };
        break;
      }
      default: {
        const numberStyle = ` s="${STYLE[column.kind]}"><v>`;
        cell = (v) => {
          const n = numberText(v);
          return n === undefined ? textCell(v) : `${numberStyle}${n}</v></c>`;
        };
      }
    }
    const remembered = rememberCells(cell);
    return (row) => remembered(value(row));
  });
  const count = cells.length;
  return (row, r) => {
    let xml = `<row r="${r}">`;
    let gap = false;
    for (let i = 0; i < count; i++) {
      const cell = (cells[i] as (row: Row) => string)(row);
      if (cell === '') {
        gap = true;
      } else if (gap) {
        xml += `<c r="${letters[i]}${r}"${cell}`;
        gap = false;
      } else {
        xml += `<c${cell}`;
      }
    }
    return `${xml}</row>`;
  };
}

/**
 * The rows as an XLSX workbook of one sheet: a bold, frozen header row, the columns' widths,
 * dates as Excel dates, money and quantities as numbers, text always as text.
 */
export function xlsxStream<Row>(
  columns: readonly ExportColumn<Row>[],
  rows: RowSource<Row>,
  options: XlsxOptions = {},
): ReadableStream<Uint8Array> {
  const maxRows = Math.min(options.maxRows ?? XLSX_MAX_DATA_ROWS, XLSX_MAX_DATA_ROWS);
  const out: Uint8Array[] = [];
  let zipError: Error | null = null;
  let zipDone = false;
  const zip = new Zip((err, data, final) => {
    if (err) zipError = err;
    else out.push(data);
    if (final) zipDone = true;
  });
  const part = (name: string, text: string) => {
    const file = new ZipDeflate(name, { level: 6 });
    zip.add(file);
    file.push(encoder.encode(text), true);
  };
  part('[Content_Types].xml', CONTENT_TYPES);
  part('_rels/.rels', ROOT_RELS);
  part('xl/workbook.xml', workbookXml(safeSheetName(options.sheetName ?? 'Sheet1')));
  part('xl/_rels/workbook.xml.rels', WORKBOOK_RELS);
  part('xl/styles.xml', STYLES);
  const sheet = new DeflatedEntry('xl/worksheets/sheet1.xml', options.deflate);
  zip.add(sheet);

  const writeRow = xlsxRowWriter(columns);
  const batches = batchReader(rows);
  let text = sheetHead(columns as readonly ExportColumn<unknown>[]);
  let written = 0;

  const flush = async () => {
    const chunk = encoder.encode(text);
    text = '';
    await sheet.push(chunk);
  };
  return streamOf({
    async step() {
      const batch = await batches.next();
      if (batch === undefined) {
        text += SHEET_TAIL;
        await flush();
        await sheet.end();
        zip.end();
        if (zipError) throw zipError;
        if (!zipDone) throw new Error('The zip did not finish');
        return true;
      }
      for (const row of batch) {
        if (written >= maxRows) throw new ExportTooManyRowsError(maxRows);
        written++;
        text += writeRow(row, written + 1);
        if (text.length >= CHUNK_CHARS) await flush();
      }
      if (zipError) throw zipError;
      return false;
    },
    take() {
      return out.splice(0, out.length);
    },
    async cancel(reason) {
      await sheet.abort(reason);
      await batches.close();
    },
  });
}

// ---------------------------------------------------------------------------------------------
// CSV

// OWASP (CSV injection): a text cell starting with one of these is prefixed with a single quote.
const formulaStart = /^[=+\-@\t\r]/;
const needsQuotes = /[",\r\n]/;

/** One CSV field for text: neutralized if it would start a formula, quoted when needed. */
export function csvText(text: string): string {
  const safe = formulaStart.test(text) ? `'${text}` : text;
  return needsQuotes.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function csvRowWriter<Row>(columns: readonly ExportColumn<Row>[]): (row: Row) => string {
  const cells = columns.map((column) => {
    const { value } = column;
    switch (column.kind) {
      case 'text':
        return (row: Row) => csvText(textOf(value(row)));
      case 'date':
        return (row: Row) => {
          const v = value(row);
          return isoDateText(v) ?? csvText(textOf(v));
        };
      default:
        return (row: Row) => {
          const v = value(row);
          return numberText(v) ?? csvText(textOf(v));
        };
    }
  });
  return (row) => `${cells.map((cell) => cell(row)).join(',')}\r\n`;
}

/** The rows as CSV (RFC 4180, CRLF), UTF-8 with a byte-order mark so that Excel reads it as UTF-8. */
export function csvStream<Row>(
  columns: readonly ExportColumn<Row>[],
  rows: RowSource<Row>,
  options: CsvOptions = {},
): ReadableStream<Uint8Array> {
  const maxRows = options.maxRows ?? XLSX_MAX_DATA_ROWS;
  const writeRow = csvRowWriter(columns);
  const batches = batchReader(rows);
  let text = `\uFEFF${columns.map((c) => csvText(c.header)).join(',')}\r\n`;
  let written = 0;
  const out: Uint8Array[] = [];
  const flush = () => {
    if (text !== '') out.push(encoder.encode(text));
    text = '';
  };
  return streamOf({
    async step() {
      const batch = await batches.next();
      if (batch === undefined) {
        flush();
        return true;
      }
      for (const row of batch) {
        if (written >= maxRows) throw new ExportTooManyRowsError(maxRows);
        written++;
        text += writeRow(row);
        if (text.length >= CHUNK_CHARS) flush();
      }
      return false;
    },
    take() {
      return out.splice(0, out.length);
    },
    async cancel() {
      await batches.close();
    },
  });
}

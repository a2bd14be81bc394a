/**
 * A real tax service for tests: node:http on 127.0.0.1, a random port. `mode` picks what it does:
 * answer (19 % of every line, code EXT19), fail (500), hang (never answers), garbage (not JSON).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Decimal, type ExternalTaxRequest } from '@cascade/billing-core';

export type TaxServiceMode = 'answer' | 'fail' | 'hang' | 'garbage';

export interface TaxService {
  url: string;
  mode: TaxServiceMode;
  requests: ExternalTaxRequest[];
  close(): Promise<void>;
}

export async function startTaxService(): Promise<TaxService> {
  const hanging = new Set<import('node:http').ServerResponse>();
  const service: TaxService = { url: '', mode: 'answer', requests: [], close: async () => {} };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const request = JSON.parse(body) as ExternalTaxRequest;
      service.requests.push(request);
      if (service.mode === 'hang') {
        hanging.add(res);
        return;
      }
      if (service.mode === 'fail') {
        res.writeHead(500, { 'content-type': 'text/plain' }).end('tax engine down');
        return;
      }
      if (service.mode === 'garbage') {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html>maintenance</html>');
        return;
      }
      const taxes = request.lines.map((l) => ({
        lineIds: [l.id],
        code: 'EXT19',
        type: 'VAT',
        chargeComponent: 'RECURRING',
        percent: '19',
        base: l.amount,
        amount: new Decimal(l.amount).times('0.19').toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2),
      }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ taxes }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  service.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/quote`;
  service.close = async () => {
    for (const res of hanging) res.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return service;
}

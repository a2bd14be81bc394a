// Debian's Chromium driven by playwright-core, and the few steps every browser test shares.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { repoRoot } from './server';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = join(repoRoot, 'e2e', 'artifacts');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Saves a full-page screenshot under e2e/artifacts/ (gitignored), to look at after a run. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

export interface DemoUser {
  id: string;
  name: string;
  orgId: string;
  orgName: string;
  orgKind: 'DISTRIBUTOR' | 'RESELLER' | 'CUSTOMER';
  resellerTier: 'LIGHT' | 'STANDARD' | null;
  roles: string[];
}

/** The demo users, as the sign-in page lists them. */
export async function demoUsers(baseUrl: string): Promise<DemoUser[]> {
  const response = await fetch(`${baseUrl}/api/v1/auth/demo-users?startRow=0&endRow=1000`);
  if (!response.ok) throw new Error(`demo-users answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as DemoUser[] | { rows: DemoUser[] };
  return Array.isArray(body) ? body : body.rows;
}

/** The first demo user that matches, or a clear failure naming what was looked for. */
export function pickUser(users: DemoUser[], what: string, test: (user: DemoUser) => boolean): DemoUser {
  const user = users.find(test);
  if (!user) throw new Error(`No demo user is ${what}; demo users: ${users.map((u) => u.id).join(', ')}`);
  return user;
}

/** Opens `url` (a sign-in page) and signs in as `user` by picking it in the list. */
export async function signInAs(page: Page, url: string, user: DemoUser): Promise<void> {
  await page.goto(url);
  await page.locator(`button[data-user-id="${user.id}"]`).click();
  await page.getByTestId('current-user').filter({ hasText: user.name }).waitFor();
}

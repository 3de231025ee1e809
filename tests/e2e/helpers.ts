// Shared steps for the end-to-end specs. Everything is found the way a person finds it: by role
// and accessible name (see DESIGN.md, "Accessible by construction"), never by CSS class.
//
// Every spec runs twice, once per store (playwright.config.ts's projects): "browser", the studio
// as static files keeping the workspace in localStorage, and "server", the studio served by
// azimuth-server keeping it in SQLite. Every test gets a fresh browser context and, on the server
// project, a server of its own with a fresh database, so each starts from the seeded lab
// workspace (mlw-azimuth-lab, East US; Ada Lovelace, Owner; no computes).
import { test as base, expect, type Download, type Locator, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export { expect };

/** Where the studio keeps the workspace in a project. */
export type StoreMode = 'browser' | 'server';

/** A running azimuth-server of one test. */
export interface ServerHandle {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Stops it (SIGKILL when `hard`, as a crash would). */
  stop(hard?: boolean): Promise<void>;
  /** Starts it again on the same port and database. */
  restart(): Promise<void>;
  /** Stops it and removes its database. */
  dispose(): Promise<void>;
  /** What it printed so far (e.g. the first Owner's one-time code). */
  printed(): string;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitForHealth(url: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`azimuth-server did not come up at ${url}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Starts azimuth-server (SERVER_BIN, serving DIST_DIR; `cargo xtask test` sets both) on a free
 * port with a fresh database; `args` are extra flags such as `['--access-key', 'k']`.
 */
export async function startServer(args: string[] = []): Promise<ServerHandle> {
  const binary = process.env.SERVER_BIN ?? 'target/debug/azimuth-server';
  const dist = process.env.DIST_DIR ?? 'dist';
  const dir = mkdtempSync(join(tmpdir(), 'azimuth-e2e-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  let printed = '';
  const launch = async () => {
    child = spawn(
      binary,
      // Demo mode (people pick their name) unless a spec asks for passwords with `--no-demo`.
      [
        '--addr', `127.0.0.1:${port}`, '--db', join(dir, 'azimuth.db'), '--dist', dist,
        ...(args.includes('--no-demo') ? [] : ['--demo']),
        ...args.filter((a) => a !== '--no-demo'),
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
    });
    await waitForHealth(url);
  };
  const stop = async (hard = false) => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((r) => running.once('exit', r));
    running.kill(hard ? 'SIGKILL' : 'SIGTERM');
    await exited;
  };
  await launch();
  return {
    url,
    stop,
    restart: launch,
    dispose: async () => {
      await stop(true);
      rmSync(dir, { recursive: true, force: true });
    },
    printed: () => printed,
  };
}

/** The area stylesheets' sources (`style/areas/`), read once. */
let areaSources: string | undefined;

function areaCss(): string {
  const dir = join(__dirname, '..', '..', 'style', 'areas');
  areaSources ??= readdirSync(dir)
    .filter((name) => name.endsWith('.css'))
    .map((name) => readFileSync(join(dir, name), 'utf8'))
    .join('\n');
  return areaSources;
}

/**
 * The selectors of the area stylesheets (`style/areas/`) that match an element of `page`
 * (pseudo-classes and pseudo-elements matching any state) but whose rule the page has not
 * loaded: an area's rules travel with the modules that use them (xtask/src/area_rules.rs), and
 * one a page needs must be there when its elements are. Selectors are compared one by one, as the browser
 * writes them and without their pseudo-classes, so the build's minifier joining rules or
 * rewriting a pseudo-class does not matter.
 */
export async function unstyledSelectors(page: Page): Promise<string[]> {
  return page.evaluate((css) => {
    const selectors = (list: CSSRuleList, out: string[] = []): string[] => {
      for (const rule of Array.from(list)) {
        if (rule instanceof CSSStyleRule) {
          let depth = 0;
          let from = 0;
          const text = rule.selectorText;
          for (let at = 0; at <= text.length; at++) {
            const c = text[at];
            if (c === '(' || c === '[') depth++;
            else if (c === ')' || c === ']') depth--;
            else if ((c === ',' && depth === 0) || at === text.length) {
              out.push(text.slice(from, at).trim());
              from = at + 1;
            }
          }
        } else if ('cssRules' in rule) {
          selectors((rule as CSSGroupingRule).cssRules, out);
        }
      }
      return out;
    };
    // `:hover`, `::after`, `:not(.open)`: any state of the element (and the minifier's
    // `:first-child` for `:nth-child(1)` the same selector).
    const bare = (selector: string) =>
      selector.replace(/::?[\w-]+(\((?:[^()]|\([^()]*\))*\))?/g, ':where(*)');
    const loaded = new Set(document.adoptedStyleSheets.flatMap((sheet) => selectors(sheet.cssRules).map(bare)));
    const source = new CSSStyleSheet();
    source.replaceSync(css);
    const missing = new Set<string>();
    for (const selector of selectors(source.cssRules)) {
      if (loaded.has(bare(selector))) continue;
      let shown = false;
      try {
        shown = document.querySelector(bare(selector)) !== null;
      } catch {
        shown = false;
      }
      if (shown) missing.add(selector);
    }
    return [...missing].sort();
  }, areaCss());
}

/**
 * The test function of every spec: `store` says which project runs it. Every test ends by
 * checking that its last page has loaded each area stylesheet rule that styles it.
 */
export const test = base.extend<{
  store: StoreMode;
  serverArgs: string[];
  server: ServerHandle | null;
  styled: void;
}>({
  store: ['browser', { option: true }],
  serverArgs: [[], { option: true }],
  server: async ({ store, serverArgs }, use) => {
    if (store === 'browser') return use(null);
    const server = await startServer(serverArgs);
    await use(server);
    await server.dispose();
  },
  baseURL: async ({ server, baseURL }, use) => use(server ? server.url : baseURL),
  styled: [
    async ({ page }, use) => {
      await use();
      if (page.isClosed() || !page.url().startsWith('http')) return;
      // A test may end while its page navigates: then its next document is checked.
      const missing = await unstyledSelectors(page).catch(async () => {
        await page.waitForLoadState();
        return unstyledSelectors(page);
      });
      expect(missing, 'selectors matching the page whose stylesheet rules were not loaded').toEqual([]);
    },
    { auto: true },
  ],
});

/** The localStorage key earlier builds kept the workspace under (moved to IndexedDB on start). */
export const WORKSPACE_KEY = 'azimuth.workspace';

/** The browser store's IndexedDB database. */
export const DATABASE = 'azimuth';

/** The seeded workspace's members and their roles, as the member menu shows them. */
export const MEMBERS = {
  ada: { name: 'Ada Lovelace', role: 'Owner', user: 'ada@contoso.com' },
  grace: { name: 'Grace Hopper', role: 'AzureML Data Scientist', user: 'grace@contoso.com' },
  alan: { name: 'Alan Turing', role: 'Reader', user: 'alan@contoso.com' },
  katherine: { name: 'Katherine Johnson', role: 'AzureML Compute Operator', user: 'katherine@contoso.com' },
} as const;
export type MemberKey = keyof typeof MEMBERS;

export type Pace = 'Instant' | 'Fast' | 'Realistic';

/** The four application links of a compute instance, as the studio labels them. */
export const APPLICATIONS = ['JupyterLab', 'Jupyter', 'VS Code (Web)', 'Terminal'] as const;

/**
 * A compute name no other test uses, valid under Azure ML's rules: 3 to 24 characters, starting
 * with a letter, with a letter after the last hyphen.
 */
export function uniqueName(prefix = 'ci'): string {
  const random = Math.random().toString(36).slice(2, 8);
  return `${prefix}-${random}x`.slice(0, 24);
}

/**
 * Opens `path` and waits until the studio has started (the top bar's ☰ button is there),
 * signing in as `who` (Ada by default) when a shared workspace asks.
 */
export async function openStudio(page: Page, path = '/', who: MemberKey = 'ada'): Promise<void> {
  await page.goto(path);
  const toggle = page.getByRole('button', { name: 'Toggle navigation' });
  const signIn = page.getByRole('button', { name: 'Sign in' });
  await expect(toggle.or(signIn)).toBeVisible();
  if (await signIn.isVisible()) await signInAs(page, who);
  await expect(toggle).toBeVisible();
}

/** Fills the sign-in page of a shared workspace and signs in. */
export async function signInAs(page: Page, who: MemberKey, accessKey?: string): Promise<void> {
  const { name, user } = MEMBERS[who];
  await page.getByRole('combobox', { name: 'Person' }).selectOption({ label: `${name} (${user})` });
  if (accessKey !== undefined) await page.getByLabel('Access key').fill(accessKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Opens the Compute instances tab directly. */
export async function openInstances(page: Page): Promise<void> {
  await openStudio(page, '/compute/instances');
  await expect(instancesTable(page)).toBeVisible();
}

/**
 * Writes raw values into localStorage before the studio's first load in this tab, once: a reload
 * (e.g. the one "Start afresh" does) does not write them again.
 */
export async function seedStorage(page: Page, values: Record<string, string>): Promise<void> {
  await page.addInitScript((entries: Record<string, string>) => {
    const flag = 'azimuth-e2e.seeded';
    if (window.sessionStorage.getItem(flag)) return;
    for (const [key, value] of Object.entries(entries)) window.localStorage.setItem(key, value);
    window.sessionStorage.setItem(flag, 'true');
  }, values);
}

/** The raw value of a localStorage key in the page's origin. */
export async function readStorage(page: Page, key = WORKSPACE_KEY): Promise<string | null> {
  return page.evaluate((k) => window.localStorage.getItem(k), key);
}

/** The browser store's records as saved: the directory record, the change stamp, and each
 * workspace's and compute's record as [key, JSON] in key order; null when nothing is saved. */
export interface SavedRecords {
  directory: string | undefined;
  stamp: number | undefined;
  workspaces: [string, string][];
  computes: [string, string][];
}

export async function readRecords(page: Page): Promise<SavedRecords | null> {
  return page.evaluate(async (name) => {
    const request = (r: IDBRequest) =>
      new Promise<unknown>((resolve, reject) => {
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
    if (!(await indexedDB.databases()).some((d) => d.name === name)) return null;
    const db = (await request(indexedDB.open(name))) as IDBDatabase;
    try {
      const tx = db.transaction(['directory', 'workspaces', 'computes']);
      const shelf = async (s: string) => {
        const store = tx.objectStore(s);
        const keys = (await request(store.getAllKeys())) as string[];
        const values = (await request(store.getAll())) as string[];
        return keys.map((k, i) => [k, values[i]] as [string, string]);
      };
      const dir = tx.objectStore('directory');
      return {
        directory: (await request(dir.get('directory'))) as string | undefined,
        stamp: (await request(dir.get('stamp'))) as number | undefined,
        workspaces: await shelf('workspaces'),
        computes: await shelf('computes'),
      };
    } finally {
      db.close();
    }
  }, DATABASE);
}

/** The saved installation in the shape of the earlier single-value form (format version 2):
 * `{format, version, directory, workspaces: [{..., computes}]}`, or null when nothing is saved. */
export async function readSaved(page: Page): Promise<any> {
  const records = await readRecords(page);
  if (!records?.directory) return null;
  const envelope = JSON.parse(records.directory);
  const workspaces = records.workspaces.map(([, body]) => ({ ...JSON.parse(body), computes: [] as unknown[] }));
  for (const [key, body] of records.computes) {
    const owner = workspaces.find((w) => key.startsWith(`${w.resource.id.toLowerCase()}|`));
    owner?.computes.push(JSON.parse(body));
  }
  return { format: envelope.format, version: envelope.version, directory: envelope.directory, workspaces };
}

/** Overwrites one record of the browser store (e.g. with something unreadable), as another
 * tab or a hand edit could, and tells the other tabs as the studio does. */
export async function writeRecord(page: Page, shelf: string, key: string, value: string): Promise<void> {
  await page.evaluate(
    async ({ name, shelf, key, value }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open(name);
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      const tx = db.transaction([shelf, 'directory'], 'readwrite');
      tx.objectStore(shelf).put(value, key);
      const stamp = tx.objectStore('directory').get('stamp');
      stamp.onsuccess = () => tx.objectStore('directory').put((stamp.result ?? 0) + 1, 'stamp');
      await new Promise((resolve, reject) => {
        tx.oncomplete = resolve;
        tx.onabort = () => reject(tx.error);
      });
      db.close();
      new BroadcastChannel('azimuth.changes').postMessage(0);
    },
    { name: DATABASE, shelf, key, value },
  );
}

/** Sets the pace of simulated operations from the Settings dialog (needs a member who may). */
export async function setPace(page: Page, pace: Pace): Promise<void> {
  await page.getByRole('button', { name: 'Settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  const group = dialog.getByRole('group', { name: 'Pace of simulated operations' });
  const radio = group.getByRole('radio', { name: new RegExp(`^${pace}\\b`) });
  await radio.check();
  await expect(radio).toBeChecked();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();
}

/** The top bar's member button ("AL Ada Lovelace Owner, signed in. …": what it shows, first). */
export function memberButton(page: Page): Locator {
  return page.getByRole('button', { name: /, signed in\. / });
}

/**
 * Becomes another member through the top bar's member menu: in browser mode by picking them, on
 * a shared workspace by signing out and in again.
 */
export async function switchMember(page: Page, who: MemberKey): Promise<void> {
  const { name, role } = MEMBERS[who];
  await memberButton(page).click();
  await expect(page.getByRole('menu')).toBeVisible();
  const signOut = page.getByRole('menu', { name: 'Account' }).getByRole('menuitem', { name: 'Sign out' });
  if (await signOut.isVisible()) {
    await signOut.click();
    await signInAs(page, who);
  } else {
    await page
      .getByRole('menu', { name: 'Switch member' })
      .getByRole('menuitemradio', { name: `${name} — ${role}` })
      .click();
  }
  await expect(memberButton(page)).toHaveAccessibleName(new RegExp(`^[A-Z]{2} ${name} ${role}, signed in\\. `));
}

/** The compute instances table on /compute/instances. */
export function instancesTable(page: Page): Locator {
  return page.getByRole('table', { name: 'Compute instances' });
}

/** The table row of one compute instance (the row whose name link is `name`). */
export function instanceRow(page: Page, name: string): Locator {
  return instancesTable(page)
    .getByRole('row')
    .filter({ has: page.getByRole('link', { name, exact: true }) });
}

/** One cell of an instance's row, found by its column header ("State", "Assigned to", …). */
export async function instanceCell(page: Page, name: string, column: string): Promise<Locator> {
  // The studio mounts once it knows where the workspace lives (after a reload too): wait for it.
  await expect(instancesTable(page).getByRole('columnheader').first()).toBeVisible();
  const headers = await instancesTable(page).getByRole('columnheader').allInnerTexts();
  const index = headers.map((h) => h.trim()).indexOf(column);
  expect(index, `column "${column}" in ${JSON.stringify(headers)}`).toBeGreaterThanOrEqual(0);
  return instanceRow(page, name).getByRole('cell').nth(index);
}

/** Waits until an instance's State cell reads `state`. */
export async function expectState(
  page: Page,
  name: string,
  state: string | RegExp,
  options?: { timeout?: number },
): Promise<void> {
  await expect(await instanceCell(page, name, 'State')).toHaveText(state, options);
}

/** The toolbar above the instances table (also on the details page). */
export function toolbar(page: Page): Locator {
  return page.getByRole('toolbar', { name: 'Compute instance actions' });
}

/** A button of the lifecycle toolbar: "+ New", "Refresh", "Start", "Stop", "Restart", "Delete". */
export function toolbarButton(page: Page, name: string): Locator {
  return toolbar(page).getByRole('button', { name, exact: true });
}

/** Ticks the row checkbox "Select <name>". */
export async function selectInstance(page: Page, name: string): Promise<void> {
  await page.getByRole('checkbox', { name: `Select ${name}`, exact: true }).check();
}

/** The "+ New" wizard. */
export function wizard(page: Page): Locator {
  return page.getByRole('dialog', { name: 'Create compute instance' });
}

/** The wizard's footer button (not the step tab of the same name). */
export function wizardButton(page: Page, name: string): Locator {
  return wizard(page).getByRole('button', { name, exact: true });
}

/** The question a filled-in wizard asks before what was entered is lost. */
export function discardPrompt(page: Page): Locator {
  return page.getByRole('alertdialog', { name: 'Discard the new compute?' });
}

/** Cancels a filled-in wizard, answering "Discard" when it asks. */
export async function discardWizard(page: Page): Promise<void> {
  await wizardButton(page, 'Cancel').click();
  await discardPrompt(page).getByRole('button', { name: 'Discard' }).click();
  await expect(wizard(page)).toBeHidden();
}

/** A step of the wizard in its step list. */
export function wizardStep(page: Page, name: string): Locator {
  return wizard(page).getByRole('tablist', { name: 'Steps' }).getByRole('tab', { name });
}

/** The notification area; errors are `alert`s in it, successes `status`es. */
export function notifications(page: Page): Locator {
  return page.getByRole('region', { name: 'Notifications' });
}

/** Options of {@link createInstance}. */
export interface InstanceOptions {
  /** "CPU" (the default) or "GPU". */
  kind?: 'CPU' | 'GPU';
  /** A recommended size; the studio's default (Standard_DS11_v2 for CPU) when omitted. */
  size?: string;
  /** "Assign to another user" on the Security step, to this member. */
  assignTo?: MemberKey;
  /** Tags as name → value, entered on the Tags step. */
  tags?: Record<string, string>;
  /** Whether to wait for the wizard to close and the row to appear (the default). */
  expectCreated?: boolean;
}

/** Opens the wizard with "+ New" from the Compute instances tab (going there first if needed). */
export async function openWizard(page: Page): Promise<void> {
  if (!(await instancesTable(page).isVisible())) await openInstances(page);
  await toolbarButton(page, '+ New').click();
  await expect(wizard(page)).toBeVisible();
  await expect(page).toHaveURL(/\/compute\/create\/instance(\?|$)/);
}

/** Fills the wizard (name, type, size, assignment, tags) and goes to Review + Create; the wizard stays open. */
export async function fillWizard(page: Page, name: string, opts: InstanceOptions = {}): Promise<void> {
  const w = wizard(page);
  await w.getByRole('textbox', { name: 'Compute name' }).fill(name);
  await w
    .getByRole('group', { name: 'Virtual machine type' })
    .getByRole('radio', { name: new RegExp(`^${opts.kind ?? 'CPU'}\\b`) })
    .check();
  if (opts.size) {
    await w.getByRole('radio', { name: opts.size, exact: true }).check();
  }
  if (opts.assignTo) {
    const { name: member, role } = MEMBERS[opts.assignTo];
    await wizardStep(page, 'Security').click();
    await w.getByRole('checkbox', { name: 'Assign to another user' }).check();
    await w.getByRole('combobox', { name: 'User' }).selectOption({ label: `${member} (${role})` });
  }
  if (opts.tags) {
    await wizardStep(page, 'Tags').click();
    let n = 0;
    for (const [key, value] of Object.entries(opts.tags)) {
      n += 1;
      await w.getByRole('button', { name: 'Add tag' }).click();
      await w.getByRole('textbox', { name: `Tag ${n} name` }).fill(key);
      await w.getByRole('textbox', { name: `Tag ${n} value` }).fill(value);
    }
  }
  await wizardButton(page, 'Review + Create').click();
  await expect(wizardStep(page, 'Review + Create')).toHaveAttribute('aria-selected', 'true');
}

/**
 * Creates a compute instance through "+ New" … "Review + Create" … "Create", and (unless
 * `expectCreated` is false) waits for the wizard to close and the row to show.
 */
export async function createInstance(page: Page, name: string, opts: InstanceOptions = {}): Promise<void> {
  await openWizard(page);
  await fillWizard(page, name, opts);
  await wizardButton(page, 'Create').click();
  if (opts.expectCreated === false) return;
  await expect(wizard(page)).toBeHidden();
  await expect(page).toHaveURL(/\/compute\/instances(\?|$)/);
  await expect(instanceRow(page, name)).toBeVisible();
}

/** A property on an instance's details page, e.g. `property(page, 'State')`. */
export async function property(page: Page, label: string): Promise<Locator> {
  const region = page.getByRole('region', { name: 'Properties' });
  await expect(region).toBeVisible();
  const terms = await region.getByRole('term').allInnerTexts();
  const index = terms.map((t) => t.trim()).indexOf(label);
  expect(index, `property "${label}" in ${JSON.stringify(terms)}`).toBeGreaterThanOrEqual(0);
  return region.getByRole('definition').nth(index);
}

/** Reads a finished download as text. */
export async function downloadText(download: Download): Promise<string> {
  const stream = await download.createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The seeded workspace's ARM path on azimuth-server, and the api-version the studio speaks. */
export const WS =
  '/subscriptions/6f1c0a52-5a3b-4b7e-9d2e-3f7a1c2b9e10/resourceGroups/rg-azimuth-lab/providers/Microsoft.MachineLearningServices/workspaces/mlw-azimuth-lab';
export const API = 'api-version=2025-12-01';

/** The signed-in member's session token (the server store keeps it in localStorage). */
async function sessionToken(page: Page): Promise<string | null> {
  return page.evaluate(() => localStorage.getItem('azimuth.session'));
}

/** A compute's state as azimuth-server's ARM API answers it (not as the page shows it). */
export async function stateOnServer(page: Page, server: ServerHandle, name: string): Promise<string> {
  const response = await page.request.get(`${server.url}${WS}/computes/${name}?${API}`, {
    headers: { Authorization: `Bearer ${await sessionToken(page)}` },
  });
  expect(response.status(), await response.text()).toBe(200);
  return (await response.json()).properties.properties.state;
}

/**
 * Moves time `minutes` forward: on the browser store the page's clock (installed with
 * `page.clock.install()`), on the server store the server's only (started with
 * `--movable-clock`, moved as the signed-in Owner): the studio takes the server's time from it.
 */
export async function passTime(page: Page, server: ServerHandle | null, minutes: number): Promise<void> {
  if (!server) {
    await page.clock.runFor(minutes * 60_000);
    return;
  }
  const moved = await page.request.post(`${server.url}/api/clock`, {
    headers: { Authorization: `Bearer ${await sessionToken(page)}` },
    data: { advanceMinutes: minutes },
  });
  expect(moved.status(), await moved.text()).toBe(200);
}

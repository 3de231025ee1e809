// Each page's first load brings the area stylesheet rules that style it (xtask/src/area_rules.rs):
// every page a person can open by its address, opened cold in a page of its own, so that no rule
// another page brought earlier hides one this page lacks. (Every test also checks its last page,
// with whatever it opened before: see `styled` in helpers.ts.)
import { expect, test, unstyledSelectors } from './helpers';

const ADDRESSES = [
  '/',
  '/access',
  '/compute/instances',
  '/compute/create/instance',
  '/compute/clusters',
  '/compute/create/cluster',
  '/compute/quota',
  '/compute/import',
  '/compute/kubernetes',
  '/compute/attach/kubernetes',
  '/compute/attached',
  '/compute/attach/compute',
  '/jobs',
  '/jobs/all',
  '/jobs/create',
  '/automl',
  '/automl/create',
  '/notebooks',
  '/data',
  '/data/create',
  '/data/datastores',
  '/data/create/datastore',
  '/data/import',
  '/models',
  '/models/register',
  '/endpoints',
  '/endpoints/create',
  '/endpoints/batch',
  '/endpoints/batch/create',
  '/workspaces',
  '/people',
];

test('every page opened by its address has the stylesheet rules that style it', async ({ page, store }) => {
  test.skip(store === 'server', 'the pages and their files are the same in both stores');
  test.setTimeout(120_000);
  const unstyled: Record<string, string[]> = {};
  for (const address of ADDRESSES) {
    const fresh = await page.context().newPage();
    await fresh.goto(address);
    await expect(fresh.getByRole('heading', { level: 1 }).first()).toBeVisible();
    const missing = await unstyledSelectors(fresh);
    if (missing.length > 0) unstyled[address] = missing;
    await fresh.close();
  }
  expect(unstyled).toEqual({});
});

// The workspace survives reloads, and every tab sees the others' changes without reloading: in
// browser mode through IndexedDB and a BroadcastChannel, on a shared workspace through the
// server's database and its event stream.
import { expect, test } from './helpers';
import {
  expectState,
  createInstance,
  instanceRow,
  memberButton,
  openInstances,
  readRecords,
  selectInstance,
  setPace,
  switchMember,
  toolbarButton,
  uniqueName,
} from './helpers';

test('a reload keeps the instance, its state and the collapsed navigation', async ({ page }) => {
  await openInstances(page);
  await setPace(page, 'Instant');
  const name = uniqueName('keep');
  await createInstance(page, name);
  await expectState(page, name, 'Running');

  const toggle = page.getByRole('button', { name: 'Toggle navigation' });
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');

  await page.reload();
  await expectState(page, name, 'Running');
  await expect(instanceRow(page, name)).toContainText('Standard_DS11_v2');
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  const nav = page.getByRole('navigation', { name: 'Studio' });
  await expect(nav.getByText('Compute', { exact: true })).toBeHidden();
  await expect(nav.getByRole('link', { name: 'Compute' })).toBeVisible();

  // Expanding is remembered as well.
  await toggle.click();
  await page.reload();
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  await expect(nav.getByText('Compute', { exact: true })).toBeVisible();
});

test('on a narrow window the navigation starts collapsed, until the person opens it', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  await openInstances(page);
  const toggle = page.getByRole('button', { name: 'Toggle navigation' });
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  // The table's last column is in view.
  await expect(page.getByRole('columnheader', { name: 'Applications' })).toBeInViewport({ ratio: 1 });
  await toggle.click();
  await page.reload();
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
});

test('a reload keeps an operation in flight and it still finishes on time', async ({ page }) => {
  await openInstances(page);
  await setPace(page, 'Instant');
  const name = uniqueName('flight');
  await createInstance(page, name);
  await expectState(page, name, 'Running');

  await setPace(page, 'Fast'); // Stop takes 4 s.
  await selectInstance(page, name);
  await toolbarButton(page, 'Stop').click();
  await expectState(page, name, 'Stopping');

  await page.reload();
  await expectState(page, name, 'Stopping');
  await expectState(page, name, 'Stopped', { timeout: 8_000 });

  // And the settled state is what a later reload shows.
  await page.reload();
  await expectState(page, name, 'Stopped');
});

test('a reload keeps the signed-in member and the pace', async ({ page }) => {
  await openInstances(page);
  await setPace(page, 'Instant');
  await switchMember(page, 'katherine');
  await page.reload();
  await expect(memberButton(page)).toHaveAccessibleName(
    /^KJ Katherine Johnson AzureML Compute Operator, signed in\. /,
  );
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByRole('dialog', { name: 'Settings' }).getByRole('radio', { name: /^Instant\b/ })).toBeChecked();
});

test('a tab whose live updates cannot be downloaded says so, and its own operations still finish', async ({ page, context, store }) => {
  // What shows other tabs' and people's changes is a file of its own, fetched as the studio
  // starts; the clock that finishes this tab's operations is not in it.
  await page.route(/\/split_live_updates\.wasm$/, (route) => route.abort('internetdisconnected'));
  await openInstances(page);
  await expect(page.getByRole('region', { name: 'Notifications' }).getByRole('alert')).toContainText(
    'This page will not follow changes',
  );
  await setPace(page, 'Instant');
  if (store === 'browser') {
    const own = uniqueName('offline');
    await createInstance(page, own);
    await expectState(page, own, 'Running');
  }
  // Another tab's instance shows here once the connection is back and the page reloaded.
  const second = await context.newPage();
  await openInstances(second);
  const name = uniqueName('offline');
  await createInstance(second, name);
  await expectState(second, name, 'Running');
  await page.unroute(/\/split_live_updates\.wasm$/);
  await page.reload();
  await expectState(page, name, 'Running');
  await second.close();
});

test('a second tab sees an instance created in the first without reloading', async ({ page, context, store }) => {
  await openInstances(page);
  await setPace(page, 'Instant');

  const second = await context.newPage();
  await openInstances(second);
  const name = uniqueName('tabs');
  await expect(instanceRow(second, name)).toHaveCount(0);

  await createInstance(page, name);
  const before = store === 'browser' ? await readRecords(page) : null;

  // The other tab's announcement brings the new instance into the other tab.
  await expect(instanceRow(second, name)).toBeVisible();
  await expectState(second, name, 'Running');
  if (store === 'browser') expect(await readRecords(second)).toEqual(before);

  // And back: stopping it in the second tab shows in the first.
  await selectInstance(second, name);
  await toolbarButton(second, 'Stop').click();
  await expectState(second, name, 'Stopped');
  await expectState(page, name, 'Stopped');
  await second.close();
});

// Quota and costs: the estimated cost of each compute in the list, the workspace's cost per hour,
// day and month (Home and the quota page), and vCPU usage per family moving as computes start,
// stop and go.
import {
  test,
  expect,
  createInstance,
  expectState,
  instanceCell,
  openInstances,
  selectInstance,
  setPace,
  toolbarButton,
  uniqueName,
} from './helpers';

test('an instance costs while it runs and holds its quota while stopped', async ({ page }) => {
  await openInstances(page);
  await setPace(page, 'Instant');
  const name = uniqueName('cost');
  await createInstance(page, name); // Standard_DS11_v2: 2 vCPUs, about $0.185 an hour
  await expectState(page, name, 'Running');
  await expect(await instanceCell(page, name, 'Cost (est.)')).toHaveText('$0.19/hr');

  await page.getByRole('link', { name: 'View quota and costs' }).click();
  await expect(page).toHaveURL(/\/compute\/quota(\?|$)/);
  await expect(page.getByRole('heading', { level: 1, name: 'Quota and costs' })).toBeVisible();
  const cost = page.getByRole('region', { name: 'Estimated cost' });
  await expect(cost).toContainText('Per hour$0.19');
  await expect(cost).toContainText('Per day$4.44');
  await expect(cost).toContainText('Per month$135.05');
  const quota = page.getByRole('table', { name: 'vCPU quota by virtual machine family' });
  const family = quota.getByRole('row').filter({ hasText: 'standardDSv2Family' });
  await expect(family.getByRole('cell')).toHaveText(['standardDSv2Family', 'CPU', '', '2', '24', name, '$0.19/hr']);
  // Families nobody uses can be left out.
  await page.getByRole('checkbox', { name: 'Show only families in use' }).check();
  await expect(quota.getByRole('row')).toHaveCount(2);

  // Stopped: nothing to pay for the machine, but the quota stays held (releaseQuotaOnStop is off).
  await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Compute' }).click();
  await selectInstance(page, name);
  await toolbarButton(page, 'Stop').click();
  await expectState(page, name, 'Stopped');
  await expect(await instanceCell(page, name, 'Cost (est.)')).toHaveText('$0.00/hr');
  await page.getByRole('link', { name: 'View quota and costs' }).click();
  await expect(family.getByRole('cell').nth(3)).toHaveText('2');
  await expect(cost).toContainText('Per hour$0.00');

  // Home shows the same estimate.
  await page.getByRole('navigation', { name: 'Studio' }).getByRole('link', { name: 'Home' }).click();
  await expect(page.getByRole('region', { name: 'Estimated cost' })).toContainText('Per month$0.00');
});

// Quota and costs: the estimated cost of each compute in the list, the workspace's cost per hour,
// day and month (Home and the quota page), and vCPU usage per family moving as computes start,
// stop and go.
import {
  test,
  expect,
  createInstance,
  expectState,
  instanceCell,
  instanceRow,
  openInstances,
  property,
  selectInstance,
  setPace,
  toolbarButton,
  uniqueName,
} from './helpers';

test('an instance costs while it runs and holds its quota while stopped', async ({ page }) => {
  await openInstances(page);
  await setPace(page, 'Instant');
  const name = uniqueName('cost');
  await createInstance(page, name); // Standard_DS11_v2: 2 vCPUs, $0.185 an hour, shown as $0.19
  await expectState(page, name, 'Running');
  await expect(await instanceCell(page, name, 'Cost (est.)')).toHaveText('$0.19/hr');

  await page.getByRole('link', { name: 'View quota and costs' }).click();
  await expect(page).toHaveURL(/\/compute\/quota(\?|$)/);
  await expect(page.getByRole('heading', { level: 1, name: 'Quota and costs' })).toBeVisible();
  const cost = page.getByRole('region', { name: 'Estimated cost' });
  await expect(cost).toContainText('Per hour$0.19');
  await expect(cost).toContainText('Per day$4.56');
  await expect(cost).toContainText('Per month$138.70');
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

  // The instance's page says what the list says, and what it costs while running.
  await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Compute' }).click();
  await instanceRow(page, name).getByRole('link', { name, exact: true }).click();
  await expect(await property(page, 'Estimated cost')).toHaveText(
    '$0.00/hr now ($0.19/hr while running; Linux, pay as you go)',
  );

  // Home shows the same estimate.
  await page.getByRole('navigation', { name: 'Studio' }).getByRole('link', { name: 'Home' }).click();
  await expect(page.getByRole('region', { name: 'Estimated cost' })).toContainText('Per month$0.00');
});

test('the costs shown add up: two instances at $0.19/hr make $0.38/hr', async ({ page }) => {
  await openInstances(page);
  await setPace(page, 'Instant');
  const names = [uniqueName('sum'), uniqueName('sum')];
  for (const name of names) {
    await createInstance(page, name); // $0.185 an hour each: $0.37 unrounded
    await expectState(page, name, 'Running');
    await expect(await instanceCell(page, name, 'Cost (est.)')).toHaveText('$0.19/hr');
  }
  await page.getByRole('navigation', { name: 'Studio' }).getByRole('link', { name: 'Home' }).click();
  const cost = page.getByRole('region', { name: 'Estimated cost' });
  await expect(cost).toContainText('Per hour$0.38');
  await expect(cost).toContainText('Per day$9.12');
  await page.getByRole('link', { name: 'View quota and costs' }).click();
  const family = page
    .getByRole('table', { name: 'vCPU quota by virtual machine family' })
    .getByRole('row')
    .filter({ hasText: 'standardDSv2Family' });
  await expect(family.getByRole('cell').last()).toHaveText('$0.38/hr');
});

// The details page of a compute instance: its properties, its ARM JSON and CLI YAML, an address
// that survives a reload, and what the studio shows for addresses it does not have.
import { expect, test } from './helpers';
import {
  createInstance,
  expectState,
  openInstances,
  openStudio,
  property,
  setPace,
  toolbarButton,
  uniqueName,
} from './helpers';

test('the details page shows the properties, the ARM JSON and the YAML, and survives a reload', async ({ page }) => {
  await openInstances(page);
  await setPace(page, 'Instant');
  const name = uniqueName('info');
  await createInstance(page, name);
  await expectState(page, name, 'Running');

  await page.getByRole('link', { name, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/compute/instances/${name}(\\?|$)`));
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  const breadcrumb = page.getByRole('navigation', { name: 'Breadcrumb' });
  await expect(breadcrumb.getByRole('link', { name: 'Compute', exact: true })).toBeVisible();
  await expect(breadcrumb.getByRole('link', { name: 'Compute instances' })).toBeVisible();
  await expect(breadcrumb).toContainText(name);

  const tabs = page.getByRole('tablist', { name: 'Compute instance views' });
  await expect(tabs.getByRole('tab', { name: 'Details' })).toHaveAttribute('aria-selected', 'true');
  await expect(await property(page, 'State')).toHaveText('Running');
  await expect(await property(page, 'Provisioning state')).toHaveText('Succeeded');
  await expect(await property(page, 'Virtual machine size')).toHaveText('Standard_DS11_v2');
  await expect(await property(page, 'Location')).toHaveText('East US');
  await expect(await property(page, 'Created by')).toHaveText('Ada Lovelace');
  await expect(await property(page, 'Assigned to')).toHaveText('Ada Lovelace');
  await expect(await property(page, 'SSH access')).toHaveText('Disabled');
  await expect(await property(page, 'Virtual network')).toHaveText('None');
  await expect(await property(page, 'Idle shutdown')).toHaveText('After 60 minutes of inactivity');

  // The applications are the signed-in assignee's while it runs.
  const apps = page.getByRole('region', { name: 'Applications' });
  await expect(apps.getByRole('button', { name: 'JupyterLab' })).toBeEnabled();

  // JSON: the ARM resource.
  await tabs.getByRole('tab', { name: 'JSON' }).click();
  await expect(tabs.getByRole('tab', { name: 'JSON' })).toHaveAttribute('aria-selected', 'true');
  const json = page.getByRole('region', { name: 'ARM JSON' });
  await expect(json).toContainText('"computeType": "ComputeInstance"');
  await expect(json).toContainText(`"name": "${name}"`);
  await expect(json).toContainText('"type": "Microsoft.MachineLearningServices/workspaces/computes"');
  await expect(json).toContainText('"state": "Running"');
  await expect(json).toContainText('"vmSize": "Standard_DS11_v2"');

  // YAML: the Azure ML CLI v2 form, reached with the arrow key as a tablist is.
  await tabs.getByRole('tab', { name: 'JSON' }).focus();
  await page.keyboard.press('ArrowRight');
  await expect(tabs.getByRole('tab', { name: 'YAML' })).toBeFocused();
  await expect(tabs.getByRole('tab', { name: 'YAML' })).toHaveAttribute('aria-selected', 'true');
  const yaml = page.getByRole('region', { name: 'Azure ML CLI v2 YAML' });
  await expect(yaml).toContainText(`name: ${name}`);
  await expect(yaml).toContainText('type: computeinstance');

  // A deep link: the address works after a reload and when opened afresh.
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  // The chosen view is part of the address too.
  await expect(tabs.getByRole('tab', { name: 'YAML' })).toHaveAttribute('aria-selected', 'true');
  await tabs.getByRole('tab', { name: 'Details' }).click();
  await expect(page).toHaveURL(new RegExp(`/compute/instances/${name}(\\?|$)`));
  await expect(await property(page, 'State')).toHaveText('Running');
  const other = await page.context().newPage();
  await openStudio(other, `/compute/instances/${name}`);
  await expect(other.getByRole('heading', { level: 1, name })).toBeVisible();
  await other.close();
});

test('the details page follows the state and deleting there goes back to the list', async ({ page }) => {
  await openInstances(page);
  await setPace(page, 'Instant');
  const name = uniqueName('page');
  await createInstance(page, name);
  await page.goto(`/compute/instances/${name}`);

  await expect(toolbarButton(page, 'Start')).toBeDisabled();
  await toolbarButton(page, 'Stop').click();
  await expect(await property(page, 'State')).toHaveText('Stopped');
  await expect(await property(page, 'Last operation')).toContainText('Stop');
  await expect(toolbarButton(page, 'Start')).toBeEnabled();
  await expect(toolbarButton(page, 'Stop')).toBeDisabled();

  await toolbarButton(page, 'Delete').click();
  await page.getByRole('alertdialog', { name: 'Delete compute instance?' }).getByRole('button', { name: 'Delete' }).click();
  await expect(page).toHaveURL(/\/compute\/instances(\?|$)/);
  await expect(page.getByText('No compute instances yet.')).toBeVisible();

  // Its old address now says it is not there.
  await page.goto(`/compute/instances/${name}`);
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await expect(page.getByText('There is no compute instance with this name in the workspace.')).toBeVisible();
});

test('an unknown address shows "Page not found" inside the studio', async ({ page }) => {
  await openStudio(page, '/no/such/page');
  await expect(page.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible();
  await expect(page.getByRole('main')).toContainText('/no/such/page');
  await page.getByRole('main').getByRole('link', { name: 'Compute' }).click();
  await expect(page).toHaveURL(/\/compute\/instances(\?|$)/);
  await expect(page.getByRole('heading', { level: 1, name: 'Compute' })).toBeVisible();
});

test('the other kinds of compute have their own tabs and addresses', async ({ page }) => {
  await openInstances(page);
  const kinds = page.getByRole('navigation', { name: 'Kinds of compute' });
  for (const [tab, path] of [
    ['Compute clusters', '/compute/clusters'],
    ['Kubernetes clusters', '/compute/kubernetes'],
    ['Attached computes', '/compute/attached'],
  ]) {
    await kinds.getByRole('link', { name: tab }).click();
    await expect(page).toHaveURL(new RegExp(`${path}(\\?|$)`));
    await expect(kinds.getByRole('link', { name: tab })).toHaveAttribute('aria-current', 'page');
    await expect(page.getByRole('table', { name: tab })).toBeVisible();
  }
  await page.reload();
  await expect(page.getByRole('table', { name: 'Attached computes' })).toBeVisible();
});

test('the navigation and the breadcrumbs add a step to the history: Back returns to the page left', async ({ page }) => {
  await openInstances(page);
  const name = uniqueName('back');
  await createInstance(page, name);
  await page.getByRole('link', { name, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await page.getByRole('navigation', { name: 'Studio' }).getByRole('link', { name: 'Compute' }).click();
  await expect(page.getByRole('table', { name: 'Compute instances' })).toBeVisible();
  await page.goBack();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();

  // From the clusters tab, the breadcrumb's "Compute" goes to the instances and Back returns.
  await page.getByRole('navigation', { name: 'Studio' }).getByRole('link', { name: 'Compute' }).click();
  await page.getByRole('navigation', { name: 'Kinds of compute' }).getByRole('link', { name: 'Compute clusters' }).click();
  await expect(page.getByRole('table', { name: 'Compute clusters' })).toBeVisible();
  await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Compute', exact: true }).click();
  await expect(page.getByRole('table', { name: 'Compute instances' })).toBeVisible();
  await page.goBack();
  await expect(page.getByRole('table', { name: 'Compute clusters' })).toBeVisible();
});

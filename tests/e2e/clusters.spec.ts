// Compute clusters (AmlCompute): the two-step wizard, the list's node columns, the details
// page's nodes and resize, and delete; on both stores. Also: a page whose chunk cannot be
// downloaded says so.
import { test, expect, openStudio, setPace, uniqueName } from './helpers';
import type { Page } from '@playwright/test';

function clustersToolbar(page: Page) {
  return page.getByRole('toolbar', { name: 'Compute cluster actions' });
}

function clusterRow(page: Page, name: string) {
  return page.getByRole('table', { name: 'Compute clusters' }).getByRole('row').filter({ hasText: name });
}

test('create a low-priority cluster, watch it scale, resize it and delete it', async ({ page }) => {
  await openStudio(page, '/compute/clusters');
  await expect(page.getByText('No compute clusters yet.')).toBeVisible();
  await expect(page).toHaveTitle('Compute clusters · mlw-azimuth-lab · Azimuth');
  await setPace(page, 'Fast');

  await clustersToolbar(page).getByRole('button', { name: '+ New' }).click();
  await expect(page).toHaveURL(/\/compute\/create\/cluster(\?|$)/);
  const w = page.getByRole('dialog', { name: 'Create compute cluster' });
  await expect(w.getByLabel('Location')).toHaveValue('East US');
  await w.getByRole('radio', { name: /Low priority/ }).check();
  // Low-priority sizes show their price and the region's low-priority pool, not the family's quota.
  await expect(w.getByText(/^\$0\.04\/hr · 100 low-priority vCPUs left$/).first()).toBeVisible();
  await w.getByRole('button', { name: 'Next' }).click();

  const name = uniqueName('cpu');
  await w.getByLabel('Compute name').fill(name);
  await w.getByLabel('Minimum number of nodes').fill('3');
  await w.getByLabel('Maximum number of nodes').fill('2');
  await w.getByRole('button', { name: 'Create' }).click();
  // A bad count keeps the wizard open with the reason, under the maximum (as in Resize).
  await expect(w).toContainText('The minimum number of nodes (3) cannot be more than the maximum (2).');
  await expect(w.getByLabel('Maximum number of nodes')).toHaveAttribute('aria-invalid', 'true');
  await expect(w.getByLabel('Minimum number of nodes')).not.toHaveAttribute('aria-invalid', 'true');
  // The second step names the size and tier chosen on the first.
  await expect(w).toContainText('Standard_DS11_v2 (2 cores, 14 GB RAM');
  await expect(w).toContainText('· Low priority');
  await w.getByLabel('Minimum number of nodes').fill('1');
  // The estimate follows the tier, size and node counts (Standard_DS11_v2 low priority).
  await expect(w).toContainText('Estimated cost: $0.04/hr at 1 node (the minimum), up to $0.08/hr at 2 nodes (the maximum)');
  await w.getByLabel('Enable SSH access').check();
  await w.getByRole('radio', { name: /Password/ }).check();
  await w.getByLabel('Password', { exact: true }).fill('correct-horse-battery');
  // Advanced: in a virtual network without public IPs, with a system-assigned identity.
  await w.getByLabel('Enable virtual network').check();
  await w.getByLabel('Virtual network', { exact: true }).fill('vnet-lab');
  await w.getByLabel('No public IP').check();
  await w.getByLabel('Assign a managed identity').check();
  await w.getByRole('radio', { name: 'System-assigned' }).check();
  await w.getByRole('button', { name: 'Create' }).click();
  await expect(w).toBeHidden();
  await expect(page).toHaveURL(/\/compute\/clusters(\?|$)/);

  const row = clusterRow(page, name);
  await expect(row).toContainText('Low priority');
  // Created, then its minimum of one node is prepared and becomes idle.
  await expect(row).toContainText('Steady', { timeout: 20_000 });
  await expect(row).toContainText('1 / 1');
  await expect(row).toContainText('1 idle', { timeout: 20_000 });

  await row.getByRole('link', { name }).click();
  await expect(page).toHaveURL(new RegExp(`/compute/clusters/${name}(\\?|$)`));
  await expect(page).toHaveTitle(`${name} · mlw-azimuth-lab · Azimuth`);
  const nodes = page.getByRole('table', { name: 'Nodes' });
  await expect(nodes.getByRole('row')).toHaveCount(2); // header + one node

  // Its CLI v2 YAML and ARM JSON; the password is never shown back.
  const main = page.getByRole('main');
  await expect(main).toContainText('type: amlcompute');
  await expect(main).toContainText('tier: low_priority');
  await expect(main).toContainText('admin_username: azureuser');
  await expect(main).toContainText('"vmPriority": "LowPriority"');
  await expect(main).toContainText('vnet-lab / default (no public IP)');
  await expect(main).toContainText('"type": "SystemAssigned"');
  await expect(main).toContainText('type: system_assigned');
  await expect(main).not.toContainText('correct-horse-battery');
  await expect(main).toContainText('$0.04/hr now (1 node at $0.04/hr each; Linux, pay as you go)');

  // Resize: more nodes than the low-priority pool holds is refused under the minimum, before Apply.
  await page.getByLabel('Maximum number of nodes').fill('100');
  await page.getByLabel('Minimum number of nodes').fill('60');
  await expect(page.getByRole('alert').filter({ hasText: 'exceeding approved Low Priority Cores quota' })).toBeVisible();
  await expect(page.getByLabel('Minimum number of nodes')).toHaveAttribute('aria-invalid', 'true');
  await page.getByLabel('Maximum number of nodes').fill('2');
  // A minimum of two makes the engine prepare one more node.
  await page.getByLabel('Minimum number of nodes').fill('2');
  // An idle time past the limit says what the limit is, however many digits it has.
  const idle = page.getByLabel('Idle seconds before scale down');
  for (const tooLong of ['604801', '99999999999999999999999']) {
    await idle.fill(tooLong);
    await expect(idle).toHaveAccessibleDescription('The idle time before scale down can be at most 604800 seconds (a week).');
  }
  await idle.fill('120');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(nodes.getByRole('row')).toHaveCount(3, { timeout: 20_000 });
  await expect(page.getByRole('main')).toContainText('2 idle', { timeout: 20_000 });

  // Its nodes hold vCPUs of the low-priority pool (2 nodes of 2 vCPUs), not of their family.
  await page.goto('/compute/quota');
  const quota = page.getByRole('table', { name: 'vCPU quota by virtual machine family' });
  const pool = quota.getByRole('row').filter({ hasText: 'Low priority (all families)' });
  await expect(pool.getByRole('cell')).toHaveText(['Low priority (all families)', 'CPU and GPU', '', '4', '100', name, '$0.08/hr']);
  await expect(quota.getByRole('row').filter({ hasText: 'standardDSv2Family' }).getByRole('cell').nth(3)).toHaveText('0');
  // Home counts it with its nodes.
  await page.goto('/');
  await expect(page.getByRole('list', { name: 'Other compute' })).toContainText('1 compute cluster (2 nodes)');
  await page.goto(`/compute/clusters/${name}`);

  // Delete removes the cluster.
  await clustersToolbar(page).getByRole('button', { name: 'Delete' }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Delete compute cluster?' });
  await confirm.getByRole('button', { name: 'Delete' }).click();
  await expect(page).toHaveURL(/\/compute\/clusters(\?|$)/);
  await expect(clusterRow(page, name)).toHaveCount(0, { timeout: 20_000 });
});

test('a minimum beyond the quota is refused in the wizard, before Create', async ({ page }) => {
  await openStudio(page, '/compute/create/cluster');
  const w = page.getByRole('dialog', { name: 'Create compute cluster' });
  const steps = w.getByRole('tablist', { name: 'Steps' });
  await expect(steps.getByRole('tab', { name: 'Virtual machine' })).toHaveAttribute('aria-selected', 'true');
  await w.getByRole('button', { name: 'Next' }).click();
  await expect(steps.getByRole('tab', { name: 'Advanced settings' })).toHaveAttribute('aria-selected', 'true');
  // Back leaves the focus on the step list, not lost on the page.
  await w.getByRole('button', { name: 'Back' }).click();
  await expect(steps.getByRole('tab', { name: 'Virtual machine' })).toBeFocused();
  await steps.getByRole('tab', { name: 'Virtual machine' }).press('ArrowDown');
  await w.getByLabel('Compute name').fill(uniqueName('big'));
  // Twenty dedicated Standard_DS11_v2 nodes need 40 vCPUs of the family's 24.
  await w.getByLabel('Maximum number of nodes').fill('20');
  await w.getByLabel('Minimum number of nodes').fill('20');
  await expect(w.getByRole('alert').filter({ hasText: 'exceeding approved standardDSv2Family Cores quota' })).toBeVisible();
  await expect(w).toContainText('Estimated cost: $3.80/hr at 20 nodes; Linux, pay as you go.');
  await w.getByRole('button', { name: 'Create' }).click();
  await expect(w.getByRole('button', { name: 'Create' })).toHaveAttribute('aria-disabled', 'true');
  await expect(steps.getByRole('tab', { name: /Advanced settings/ })).toContainText('has errors');
  await w.getByLabel('Minimum number of nodes').fill('0');
  await expect(w.getByRole('alert').filter({ hasText: 'Cores quota' })).toHaveCount(0);
});

test('a page whose chunk cannot be downloaded says so', async ({ page }) => {
  await page.route(/\/split_clusters\.wasm$/, (route) => route.abort('internetdisconnected'));
  await openStudio(page, '/compute/clusters');
  await expect(page.getByRole('alert')).toContainText('This page could not be downloaded');
  // The rest of the studio still works.
  await page.getByRole('navigation', { name: 'Studio' }).getByRole('link', { name: 'Compute' }).click();
  await expect(page.getByRole('table', { name: 'Compute instances' })).toBeVisible();
});

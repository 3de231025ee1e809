// The Microsoft Learn lab "Explore an Azure Machine Learning workspace", every step, at the
// default Fast pace: the lab asks to wait until the new instance is Running.
import { expect, test } from './helpers';
import {
  APPLICATIONS,
  expectState,
  instanceRow,
  notifications,
  openStudio,
  toolbarButton,
  uniqueName,
  wizard,
  wizardButton,
  wizardStep,
} from './helpers';

test('the whole lab: explore the studio and create a compute instance that starts running', async ({ page }) => {
  await openStudio(page, '/');

  // The workspace of the lab, in the region of the lab.
  const banner = page.getByRole('banner');
  await expect(banner).toContainText('mlw-azimuth-lab');
  await expect(banner).toContainText('East US');

  // Step: toggle ☰ to hide and show the pages' names.
  const toggle = page.getByRole('button', { name: 'Toggle navigation' });
  const nav = page.getByRole('navigation', { name: 'Studio' });
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  await expect(nav.getByText('Compute', { exact: true })).toBeVisible();
  await expect(nav.getByText('Home', { exact: true })).toBeVisible();

  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await expect(nav.getByText('Compute', { exact: true })).toBeHidden();
  await expect(nav.getByText('Home', { exact: true })).toBeHidden();
  // Icons alone, but the links keep their names for assistive technology.
  await expect(nav.getByRole('link', { name: 'Compute' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Home' })).toBeVisible();

  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  await expect(nav.getByText('Compute', { exact: true })).toBeVisible();

  // Step: view the Compute page; the Compute instances tab is the current one.
  await nav.getByRole('link', { name: 'Compute' }).click();
  await expect(page).toHaveURL(/\/compute\/instances(\?|$)/);
  await expect(page.getByRole('heading', { level: 1, name: 'Compute' })).toBeVisible();
  const kinds = page.getByRole('navigation', { name: 'Kinds of compute' });
  await expect(kinds.getByRole('link', { name: 'Compute instances' })).toHaveAttribute('aria-current', 'page');
  // The four kinds of compute the lab lists are all there.
  for (const kind of ['Compute clusters', 'Kubernetes clusters', 'Attached computes']) {
    await expect(kinds.getByRole('link', { name: kind })).toBeVisible();
  }
  await expect(nav.getByRole('link', { name: 'Compute' })).toHaveAttribute('aria-current', 'page');

  // Step: on the Compute instances tab, add a new compute instance.
  await toolbarButton(page, '+ New').click();
  const w = wizard(page);
  await expect(w).toBeVisible();
  await expect(page).toHaveURL(/\/compute\/create\/instance(\?|$)/);

  const name = uniqueName('lab');
  await w.getByRole('textbox', { name: 'Compute name' }).fill(name);
  await expect(w.getByRole('textbox', { name: 'Compute name' })).not.toHaveAttribute('aria-invalid', 'true');
  // Region: the same region as the workspace.
  await expect(w.getByRole('textbox', { name: 'Location' })).toHaveValue(/East US/);
  // Virtual machine type: CPU; size: Standard_DS11_v2.
  const cpu = w.getByRole('group', { name: 'Virtual machine type' }).getByRole('radio', { name: /^CPU\b/ });
  await cpu.check();
  await expect(cpu).toBeChecked();
  const size = w.getByRole('radio', { name: 'Standard_DS11_v2', exact: true });
  await size.check();
  await expect(size).toBeChecked();

  // Through Next to Security: SSH, virtual network and assignment are all unselected.
  await wizardButton(page, 'Next').click();
  await expect(wizardStep(page, 'Scheduling')).toHaveAttribute('aria-selected', 'true');
  await wizardButton(page, 'Next').click();
  await expect(wizardStep(page, 'Security')).toHaveAttribute('aria-selected', 'true');
  await expect(w.getByRole('tabpanel', { name: 'Security' })).toBeVisible();
  await expect(w.getByRole('checkbox', { name: 'Enable SSH access' })).not.toBeChecked();
  await expect(w.getByRole('checkbox', { name: 'Enable virtual network' })).not.toBeChecked();
  await expect(w.getByRole('checkbox', { name: 'Assign to another user' })).not.toBeChecked();

  // Review + Create (the footer button, not the step tab of the same name).
  await wizardButton(page, 'Review + Create').click();
  await expect(wizardStep(page, 'Review + Create')).toHaveAttribute('aria-selected', 'true');
  const arm = w.getByRole('region', { name: 'ARM request' });
  await expect(arm).toContainText(`PUT /subscriptions/`);
  await expect(arm).toContainText(`/workspaces/mlw-azimuth-lab/computes/${name}?api-version=`);
  await expect(arm).toContainText('"computeType": "ComputeInstance"');
  await expect(arm).toContainText('"vmSize": "Standard_DS11_v2"');
  await expect(arm).toContainText('"location": "eastus"');
  const yaml = w.getByRole('region', { name: 'Azure ML CLI v2 YAML' });
  await expect(yaml).toContainText(`name: ${name}`);
  await expect(yaml).toContainText('type: computeinstance');
  await expect(yaml).toContainText('size: Standard_DS11_v2');
  await expect(yaml).toContainText('ssh_public_access_enabled: false');

  const create = wizardButton(page, 'Create');
  await expect(create).toBeEnabled();
  await create.click();

  // The wizard closes; the row appears as Creating and turns Running by itself (Fast pace: 10 s).
  await expect(w).toBeHidden();
  await expect(page).toHaveURL(/\/compute\/instances(\?|$)/);
  await expect(notifications(page).getByRole('status').filter({ hasText: 'Compute instance requested' })).toBeVisible();
  const row = instanceRow(page, name);
  await expect(row).toBeVisible();
  await expectState(page, name, 'Creating');
  await expect(row.getByRole('button', { name: 'JupyterLab' })).toBeDisabled();
  await expect(row).toContainText('Standard_DS11_v2');
  await expect(row).toContainText('Ada Lovelace');

  await expectState(page, name, 'Running', { timeout: 15_000 });
  for (const app of APPLICATIONS) {
    await expect(row.getByRole('button', { name: app, exact: true })).toBeEnabled();
  }
});

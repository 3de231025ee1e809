// Kubernetes clusters and attached computes: attach with each form's own checks, see the state
// and the extension, detach; secrets are never shown back.
import { test, expect, openStudio, readRecords, setPace } from './helpers';
import type { Page } from '@playwright/test';

const SUB = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-azimuth-lab/providers';

function actions(page: Page, tab: string) {
  return page.getByRole('toolbar', { name: `${tab} actions` });
}

function row(page: Page, tab: string, name: string) {
  return page.getByRole('table', { name: tab }).getByRole('row').filter({ hasText: name });
}

test('attach a Kubernetes cluster with an instance type, watch it connect, and detach it', async ({ page }) => {
  await openStudio(page, '/compute/kubernetes');
  await setPace(page, 'Fast');
  await expect(page.getByText('No Kubernetes clusters attached yet.')).toBeVisible();
  await actions(page, 'Kubernetes clusters').getByRole('button', { name: '+ New' }).click();
  await expect(page).toHaveURL(/\/compute\/attach\/kubernetes(\?|$)/);
  const d = page.getByRole('dialog', { name: 'Attach Kubernetes cluster' });
  await d.getByLabel('Compute name').fill('k8s-lab');
  await d.getByLabel('Resource ID').fill(`${SUB}/Microsoft.Compute/virtualMachines/not-a-cluster`);
  await d.getByRole('button', { name: 'Attach' }).click();
  // The error shows under the field it is about, in the form's words.
  await expect(d.getByRole('alert').filter({ hasText: 'The resource ID must be' })).toBeVisible();
  await expect(d.getByLabel('Resource ID')).toHaveAttribute('aria-invalid', 'true');
  await d.getByLabel('Resource ID').fill(`${SUB}/Microsoft.ContainerService/managedClusters/aks-lab`);
  await d.getByLabel('Kubernetes namespace').fill('azureml');
  await d.getByLabel(/Define an instance type/).check();
  await d.getByLabel('Instance type name').fill('gpu-small');
  await d.getByLabel('CPU request').fill('4');
  await d.getByLabel('CPU limit').fill('2');
  await expect(d.getByRole('alert').filter({ hasText: 'requests more cpu (4) than its limit (2)' })).toBeVisible();
  await expect(d.getByLabel('CPU limit')).toHaveAttribute('aria-invalid', 'true');
  await expect(d.getByLabel('Instance type name')).not.toHaveAttribute('aria-invalid', 'true');
  await d.getByLabel('CPU request').fill('1');
  await d.getByLabel('GPUs').fill('1');
  await d.getByRole('button', { name: 'Attach' }).click();
  await expect(d).toBeHidden();
  await expect(page).toHaveURL(/\/compute\/kubernetes(\?|$)/);

  const k8s = row(page, 'Kubernetes clusters', 'k8s-lab');
  await expect(k8s).toContainText('aks-lab (AKS)');
  await expect(k8s).toContainText('azureml');
  await expect(k8s).toContainText('gpu-small (default)');
  await expect(k8s).toContainText('Running (stable)', { timeout: 20_000 });
  await expect(k8s).toContainText('Succeeded');

  await page.getByRole('checkbox', { name: 'Select k8s-lab' }).check();
  await actions(page, 'Kubernetes clusters').getByRole('button', { name: 'Detach' }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Detach compute?' });
  await expect(confirm).toContainText('The resource itself is left as it is.');
  await confirm.getByRole('button', { name: 'Detach' }).click();
  await expect(k8s).toHaveCount(0, { timeout: 20_000 });
});

test('attach a virtual machine and Databricks; their secrets are never shown back', async ({ page, store }) => {
  await openStudio(page, '/compute/attached');
  await setPace(page, 'Instant');
  const tab = 'Attached computes';
  await actions(page, tab).getByRole('button', { name: '+ New' }).click();
  const d = page.getByRole('dialog', { name: 'Attach compute' });
  await d.getByLabel('Compute name').fill('dsvm-lab');
  await d.getByLabel('Resource ID').fill(`${SUB}/Microsoft.Compute/virtualMachines/dsvm`);
  await d.getByLabel('Address').fill('20.51.10.4');
  await d.getByRole('button', { name: 'Attach' }).click();
  await expect(d.getByRole('alert').filter({ hasText: 'needs a password or a private key' })).toBeVisible();
  await expect(d.getByLabel('Password', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  const password = 'Vm-Passw0rd-never-shown';
  await d.getByLabel('Password', { exact: true }).fill(password);
  await expect(d.getByLabel('Password', { exact: true })).toHaveAttribute('type', 'password');
  await d.getByRole('button', { name: 'Attach' }).click();
  await expect(d).toBeHidden();
  await expect(row(page, tab, 'dsvm-lab')).toContainText('Virtual machine');
  await expect(row(page, tab, 'dsvm-lab')).toContainText('20.51.10.4:22');

  await actions(page, tab).getByRole('button', { name: '+ New' }).click();
  // A secret typed for one kind is not carried to another's field.
  await d.getByLabel('Password', { exact: true }).fill(password);
  await d.getByRole('radio', { name: /Azure Databricks/ }).check();
  await expect(d.getByLabel('Access token')).toHaveValue('');
  await d.getByLabel('Compute name').fill('dbx-lab');
  await d.getByLabel('Resource ID').fill(`${SUB}/Microsoft.Databricks/workspaces/dbx`);
  await d.getByLabel('Workspace URL').fill('adb-1234567890123456.7.azuredatabricks.net');
  const token = 'dapi0123456789abcdef0123456789ab';
  await d.getByLabel('Access token').fill(token);
  await d.getByRole('button', { name: 'Attach' }).click();
  await expect(d).toBeHidden();
  await expect(row(page, tab, 'dbx-lab')).toContainText('adb-1234567890123456.7.azuredatabricks.net');

  const html = await page.content();
  expect(html).not.toContain(password);
  expect(html).not.toContain(token);
  if (store === 'browser') {
    const saved = JSON.stringify(await readRecords(page));
    expect(saved).toContain('dbx-lab');
    expect(saved).not.toContain(password);
    expect(saved).not.toContain(token);
  }
});

test('an attach form shows all its errors at once, and its buttons stay in view', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 640 });
  await openStudio(page, '/compute/attached');
  await actions(page, 'Attached computes').getByRole('button', { name: '+ New' }).click();
  const d = page.getByRole('dialog', { name: 'Attach compute' });
  const attach = d.getByRole('button', { name: 'Attach' });
  await expect(attach).toBeInViewport({ ratio: 1 });
  await expect(d.getByRole('button', { name: 'Cancel' })).toBeInViewport({ ratio: 1 });
  await d.getByLabel('Compute name').fill('dsvm-lab');
  await d.getByLabel('Resource ID').fill(`${SUB}/Microsoft.Compute/virtualMachines/dsvm`);
  await d.getByLabel('Address').fill('300.1.1.1');
  await d.getByLabel('SSH port').fill('0');
  await d.getByLabel('Username').fill('');
  await attach.click();
  for (const [field, message] of [
    ['Address', 'is not an IPv4 address'],
    ['SSH port', 'The SSH port must be a whole number from 1 to 65535.'],
    ['Username', 'needs a username'],
    ['Password', 'needs a password or a private key'],
  ]) {
    await expect(d.getByLabel(field, { exact: true })).toHaveAttribute('aria-invalid', 'true');
    await expect(d.getByLabel(field, { exact: true })).toHaveAccessibleDescription(new RegExp(message));
  }
  // Further down the form, the buttons are still there to press.
  await d.getByLabel('Password', { exact: true }).scrollIntoViewIfNeeded();
  await expect(attach).toBeInViewport({ ratio: 1 });
  // What was entered is not thrown away without asking.
  await d.getByRole('button', { name: 'Cancel' }).click();
  const ask = page.getByRole('alertdialog', { name: 'Discard the new compute?' });
  await ask.getByRole('button', { name: 'Discard' }).click();
  await expect(d).toBeHidden();
  await expect(page).toHaveURL(/\/compute\/attached(\?|$)/);
});

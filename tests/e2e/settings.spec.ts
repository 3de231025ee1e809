// The wizard's other settings, each checked from the form to the instance it creates: sizes from
// "all options" and their quota, idle shutdown and schedules, SSH keys and virtual networks, and
// the list's search and "Show only my compute".
import { expect, test } from './helpers';
import {
  createInstance,
  instanceRow,
  instancesTable,
  openInstances,
  openWizard,
  property,
  setPace,
  switchMember,
  uniqueName,
  wizard,
  wizardButton,
  wizardStep,
} from './helpers';

/** A well-formed ed25519 public key line (test data). */
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKz1yQ0n0pTq5a3Rr2m8mQ0V0xq6J0pZ0m3f8xXr5r2T ada@laptop';

test.beforeEach(async ({ page }) => {
  await openInstances(page);
  await setPace(page, 'Instant');
});

test('all sizes: search, sort and the GPU quota decide what can be chosen', async ({ page }) => {
  await openWizard(page);
  const w = wizard(page);
  await w.getByRole('textbox', { name: 'Compute name' }).fill(uniqueName('gpu'));
  await w.getByRole('group', { name: 'Virtual machine type' }).getByRole('radio', { name: /^GPU\b/ }).check();
  await w.getByRole('radio', { name: 'Select from all options' }).check();
  const sizes = w.getByRole('table', { name: 'Virtual machine sizes' });
  await w.getByRole('searchbox', { name: 'Search virtual machine sizes' }).fill('V100');
  await expect(sizes.getByRole('row')).toHaveCount(4); // header + NC6s, NC12s, NC24s v3
  await sizes.getByRole('button', { name: 'vCPUs' }).click();
  await expect(sizes.getByRole('columnheader', { name: 'vCPUs' })).toHaveAttribute('aria-sort', 'ascending');
  await expect(sizes.getByRole('row').nth(1)).toContainText('Standard_NC6s_v3');
  await sizes.getByRole('button', { name: 'vCPUs' }).click();
  await expect(sizes.getByRole('row').nth(1)).toContainText('Standard_NC24s_v3');
  // 12 and 24 vCPUs do not fit the 6-vCPU GPU quota: they cannot be chosen, and say why.
  await expect(w.getByRole('radio', { name: 'Standard_NC24s_v3' })).toBeDisabled();
  await expect(w.getByRole('radio', { name: 'Standard_NC24s_v3' })).toHaveAccessibleDescription(
    'Not enough quota: 6 vCPUs left, needs 24',
  );
  await expect(sizes.getByRole('row').filter({ hasText: 'Standard_NC24s_v3' })).toContainText(
    'Not enough quota: 6 vCPUs left, needs 24',
  );
  await expect(w.getByRole('radio', { name: 'Standard_NC6s_v3' })).not.toHaveAccessibleDescription(/quota/);
  await w.getByRole('radio', { name: 'Standard_NC6s_v3' }).check();
  await wizardButton(page, 'Review + Create').click();
  await expect(w.getByText('Standard_NC6s_v3 (6 cores, 112 GB RAM, 736 GB disk, 1 x NVIDIA Tesla V100)')).toBeVisible();
  await wizardButton(page, 'Create').click();
  await expect(w).toBeHidden();
  // The quota is now used up: the same size is refused next time.
  await openWizard(page);
  await w.getByRole('group', { name: 'Virtual machine type' }).getByRole('radio', { name: /^GPU\b/ }).check();
  await w.getByRole('radio', { name: 'Select from all options' }).check();
  await expect(w.getByRole('radio', { name: 'Standard_NC6s_v3' })).toBeDisabled();
});

test('the all-sizes table fits the wizard at 1024 pixels, quota column included', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  await openWizard(page);
  const w = wizard(page);
  for (const kind of ['CPU', 'GPU']) {
    await w.getByRole('group', { name: 'Virtual machine type' }).getByRole('radio', { name: new RegExp(`^${kind}\\b`) }).check();
    await w.getByRole('radio', { name: 'Select from all options' }).check();
    const sizes = w.getByRole('table', { name: 'Virtual machine sizes' });
    for (const column of ['Name', 'Cost/hour', 'Quota left']) {
      await expect(sizes.getByRole('columnheader', { name: column })).toBeInViewport({ ratio: 1 });
    }
    await expect(sizes.getByRole('row').nth(1).getByRole('cell').last()).toBeInViewport({ ratio: 1 });
  }
});

test('idle shutdown and a start/stop schedule reach the instance, its YAML and its details', async ({ page }) => {
  const name = uniqueName('sched');
  await openWizard(page);
  const w = wizard(page);
  await w.getByRole('textbox', { name: 'Compute name' }).fill(name);
  await wizardStep(page, 'Scheduling').click();
  const idle = w.getByRole('textbox', { name: 'Shut down after this many minutes of inactivity' });
  await idle.fill('10');
  await expect(idle).toHaveAccessibleDescription(/between 15 minutes and 3 days/);
  await expect(wizardStep(page, 'Scheduling')).toHaveAccessibleName(/has errors/);
  await idle.fill('45');
  await w.getByRole('button', { name: 'Add schedule' }).click();
  const schedule = w.getByRole('group', { name: 'Schedule 1' });
  await schedule.getByRole('combobox', { name: 'Time zone' }).selectOption('Pacific Standard Time');
  await schedule.getByLabel('Time', { exact: true }).fill('18:30');
  // No day at all is refused; Friday alone is fine.
  for (const day of ['Monday', 'Tuesday', 'Wednesday', 'Thursday']) {
    await schedule.getByRole('checkbox', { name: day }).uncheck();
  }
  await schedule.getByRole('checkbox', { name: 'Friday' }).uncheck();
  await expect(schedule.getByText('Choose at least one day.')).toBeVisible();
  await schedule.getByRole('checkbox', { name: 'Friday' }).check();
  await wizardButton(page, 'Review + Create').click();
  const yaml = w.getByRole('region', { name: 'Azure ML CLI v2 YAML' });
  await expect(yaml).toContainText('idle_time_before_shutdown_minutes: 45');
  await expect(yaml).toContainText('compute_start_stop:');
  await expect(yaml).toContainText('time_zone: Pacific Standard Time');
  await expect(w.getByRole('region', { name: 'ARM request' })).toContainText('"idleTimeBeforeShutdown": "PT45M"');
  await wizardButton(page, 'Create').click();
  await expect(w).toBeHidden();
  await page.getByRole('link', { name, exact: true }).click();
  await expect(await property(page, 'Idle shutdown')).toHaveText('After 45 minutes of inactivity');
  await expect(await property(page, 'Schedules')).toContainText('Stop at 18:30 on Friday');
  await expect(await property(page, 'Schedules')).toContainText('(Pacific Standard Time)');
});

test('SSH keys are checked, and a virtual network without a public IP is kept', async ({ page }) => {
  const name = uniqueName('net');
  await openWizard(page);
  const w = wizard(page);
  await w.getByRole('textbox', { name: 'Compute name' }).fill(name);
  await wizardStep(page, 'Security').click();
  await w.getByRole('checkbox', { name: 'Enable SSH access' }).check();
  const key = w.getByRole('textbox', { name: 'SSH public key' });
  await key.fill('-----BEGIN OPENSSH PRIVATE KEY-----');
  await expect(key).toHaveAccessibleDescription(/looks like a private key/);
  await key.fill('ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIKz1yQ0n0pTq5a3Rr2m8mQ0V0xq6J0pZ0m3f8xXr5r2T');
  await expect(key).toHaveAccessibleDescription(/does not match its type/);
  await key.fill(KEY);
  await expect(key).not.toHaveAttribute('aria-invalid', 'true');
  await w.getByRole('checkbox', { name: 'Enable virtual network' }).check();
  const network = w.getByRole('textbox', { name: 'Virtual network' });
  await network.fill('v net');
  await expect(network).toHaveAccessibleDescription(/only letters, digits/);
  await network.fill('vnet-ml');
  await w.getByRole('checkbox', { name: 'No public IP' }).check();
  await wizardButton(page, 'Review + Create').click();
  await expect(w.getByRole('region', { name: 'Azure ML CLI v2 YAML' })).toContainText('vnet_name: vnet-ml');
  await expect(w.getByRole('region', { name: 'ARM request' })).toContainText('"enableNodePublicIp": false');
  await wizardButton(page, 'Create').click();
  await expect(w).toBeHidden();
  await page.getByRole('link', { name, exact: true }).click();
  await expect(await property(page, 'SSH access')).toHaveText('Enabled');
  await expect(await property(page, 'SSH admin user')).toHaveText('azureuser');
  await expect(await property(page, 'SSH port')).toHaveText('50000');
  await expect(await property(page, 'Public IP address')).toHaveText('None (no public IP)');
  await expect(await property(page, 'Virtual network')).toContainText('/virtualNetworks/vnet-ml/subnets/default');
  // The key itself is not shown back on the details page.
  await expect(page.getByRole('region', { name: 'Properties' })).not.toContainText('AAAAC3Nza');
});

test('search and "Show only my compute" narrow the list', async ({ page }) => {
  const mine = uniqueName('ada');
  const theirs = uniqueName('grace');
  await createInstance(page, mine);
  await createInstance(page, theirs, { assignTo: 'grace' });
  const search = page.getByRole('searchbox', { name: 'Search compute instances' });
  await search.fill(mine.toUpperCase());
  await expect(instanceRow(page, mine)).toBeVisible();
  await expect(instanceRow(page, theirs)).toHaveCount(0);
  await search.fill('no such compute');
  await expect(instancesTable(page).getByRole('row')).toHaveCount(1);
  await expect(page.getByText('No compute instance matches the search or filter.')).toBeVisible();
  await search.fill('');
  await switchMember(page, 'grace');
  await page.getByRole('checkbox', { name: 'Show only my compute' }).check();
  await expect(instanceRow(page, theirs)).toBeVisible();
  await expect(instanceRow(page, mine)).toHaveCount(0);
});

test('the search and the filter are in the address: a reload or a shared link shows the same rows', async ({ page }) => {
  const kept = uniqueName('kept');
  const other = uniqueName('other');
  await createInstance(page, kept);
  await createInstance(page, other);
  const steps = await page.evaluate(() => history.length);
  await page.getByRole('searchbox', { name: 'Search compute instances' }).pressSequentially(kept);
  await page.getByRole('checkbox', { name: 'Show only my compute' }).check();
  await expect(page).toHaveURL(/[?&]search=kept/);
  await expect(page).toHaveURL(/[?&]mine=true/);
  // The workspace stays in the address beside them.
  await expect(page).toHaveURL(/[?&]wsid=/);
  await page.reload();
  await expect(page.getByRole('searchbox', { name: 'Search compute instances' })).toHaveValue(kept);
  await expect(page.getByRole('checkbox', { name: 'Show only my compute' })).toBeChecked();
  await expect(instanceRow(page, kept)).toBeVisible();
  await expect(instanceRow(page, other)).toHaveCount(0);
  // Each key replaced the address in place: the history did not grow a step a key.
  expect(await page.evaluate(() => history.length)).toBe(steps);
  // Clearing the search takes it out of the address.
  await page.getByRole('searchbox', { name: 'Search compute instances' }).fill('');
  await expect(page).not.toHaveURL(/[?&]search=/);
});
